"""Background tasks (django-tasks): the reminder sweep."""

from django_tasks import task


@task()
def send_legalaid_reminders() -> int:
    """Send the reminders that are due (idempotent: each is recorded once)."""
    from legalaid.services import reminders_send_due

    return reminders_send_due()
