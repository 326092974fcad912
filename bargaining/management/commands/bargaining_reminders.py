"""Remind both sides of written bargaining requests whose 20-day answer period ends soon.

Run daily (cron or a scheduler): ``python manage.py bargaining_reminders --days 5``.
"""

from django.core.management.base import BaseCommand

from bargaining import case_setup


class Command(BaseCommand):
    help = "Text both sides about bargaining requests due within N days (or overdue)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=5)

    def handle(self, *args, days: int, **options):
        sent = case_setup.case_send_reminders(within_days=days)
        self.stdout.write(f"{sent} reminder(s) sent")
