"""Create the bookable slots of every volunteer over the booking horizon (run daily)."""

from django.core.management.base import BaseCommand

from legalaid.slot_supply import slots_materialise_all


class Command(BaseCommand):
    help = "Materialise legal-aid slots from weekly availability for the coming weeks."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        created = slots_materialise_all(days=options["days"])
        self.stdout.write(f"slots created: {created}")
