from django.core.management.base import BaseCommand

from bargaining.contracts.services import contracts_tick


class Command(BaseCommand):
    help = (
        "Daily: record closed ratification votes, remind of filing deadlines, and move "
        "contracts to in force / expiring / expired as their dates pass (run from cron)."
    )

    def handle(self, *args, **options):
        result = contracts_tick()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in result.items()))
