"""Background tasks of the union core (django-tasks)."""

from django_tasks import task

from unionhome.membership import member_import
from unionhome.membership.models import MemberImport


@task()
def run_member_import(job_id: int) -> None:
    """Import a large member file outside the upload request, reporting progress as it goes."""

    job = MemberImport.objects.filter(pk=job_id).first()
    if job is not None and job.status == "queued":
        member_import.member_import_run(job=job)
