"""Background work (django-tasks): the daily lifecycle run."""

from django_tasks import task

from bargaining.contracts.services import contracts_tick


@task()
def contracts_tick_task() -> dict:
    """Record closed votes, send filing reminders, advance contracts by date; run daily."""

    return contracts_tick()
