"""Send due legal-aid reminders; run from cron every few minutes (safe to overlap)."""

from django.core.management.base import BaseCommand

from legalaid.reminders import reminders_send_due
from legalaid.slot_supply import slots_materialise_all


class Command(BaseCommand):
    help = "Send legal-aid consultation reminders that are due (the day before, an hour before)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--materialise",
            action="store_true",
            help="Also extend every volunteer's slots over the booking horizon.",
        )

    def handle(self, *args, **options):
        if options["materialise"]:
            created = slots_materialise_all()
            self.stdout.write(f"slots created: {created}")
        sent = reminders_send_due()
        self.stdout.write(f"reminders sent: {sent}")
