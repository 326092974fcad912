"""Background work (django-tasks): the daily lifecycle run."""

from django_tasks import task


@task()
def contracts_tick_task() -> dict:
    """Record closed votes, send filing reminders, advance contracts by date; run daily."""
    from bargaining.contracts.services import contracts_tick

    return contracts_tick()
