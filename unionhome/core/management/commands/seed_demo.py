"""Create the demo content and accounts of API.md (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from unionhome.core import demo


class Command(BaseCommand):
    help = "Create demo unions, members, negotiators, volunteers and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG=0 (never on a real site)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a public password; refusing with DEBUG=0. "
                "Use --force only on a throw-away site."
            )
        with transaction.atomic():
            ctx = demo.seed_all()
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        self.stdout.write(f"demo union id: {ctx['union'].pk}")
        case = ctx.get("case")
        self.stdout.write(f"demo case id: {case.pk if case is not None else '-'}")
        self.stdout.write(f"password of every demo account: {demo.DEMO_PASSWORD}")
