"""Background tasks of the union core (django-tasks)."""

from django_tasks import task


@task()
def run_member_import(job_id: int) -> None:
    """Import a large member file outside the upload request, reporting progress as it goes."""
    from unionhome import services
    from unionhome.models import MemberImport

    job = MemberImport.objects.filter(pk=job_id).first()
    if job is not None and job.status == "queued":
        services.member_import_run(job=job)
