"""Background tasks (django-tasks): the reminder sweep."""

from django_tasks import task


@task()
def send_legalaid_reminders() -> int:
    """Send the reminders that are due (idempotent: each is recorded once)."""
    # Imported here: legalaid.reminders enqueues this module's tasks (a real import cycle).
    from legalaid.reminders import reminders_send_due

    return reminders_send_due()
