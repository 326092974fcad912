from django.core.management.base import BaseCommand

from unionhome.ballots.services import ballots_tick


class Command(BaseCommand):
    help = "Open ballots whose opening time has passed and send closing reminders (run from cron)."

    def handle(self, *args, **options):
        result = ballots_tick()
        self.stdout.write(f"opened={result['opened']} reminded={result['reminded']}")
