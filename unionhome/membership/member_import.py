"""Bulk import of members from a staff member's CSV/XLSX file (the database part; parsing is
in imports)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.crypto import digest
from unionhome.core.errors import DomainError
from unionhome.membership.imports import FileProblem, RowProblem, check_row, read_table
from unionhome.membership.models import (
    ImportStatus,
    MemberImport,
    Membership,
    MembershipEvent,
    MembershipStatus,
    PhoneNumber,
    Union,
)
from unionhome.membership.services import (
    _require_staff,
    _today,
)
from unionhome.membership.tasks import run_member_import

# --- Bulk import ----------------------------------------------------------------------------

IMPORT_CHUNK = 1000
# Files up to this many bytes are imported during the upload request; bigger ones in a task.
IMPORT_INLINE_BYTES = 64 * 1024


def member_import_create(*, union: Union, actor, upload) -> MemberImport:
    """Store an uploaded file and start importing it (small files at once, big ones queued)."""
    _require_staff(actor, union)
    name = (upload.name or "").lower()
    if not (name.endswith(".csv") or name.endswith(".xlsx")):
        raise DomainError("invalid_file", _("Upload a .csv or .xlsx file."), field="file")
    with transaction.atomic():
        job = MemberImport.objects.create(
            union=union, file=upload, original_name=(upload.name or "")[:200], created_by=actor
        )
    if upload.size <= IMPORT_INLINE_BYTES:
        member_import_run(job=job)
    else:
        transaction.on_commit(lambda: run_member_import.enqueue(job.pk))
    job.refresh_from_db()
    return job


def member_import_run(*, job: MemberImport) -> MemberImport:
    """Import every row of the job's file, in chunks of one transaction each, recording the
    progress and, for each refused row, why."""

    MemberImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        rows = list(read_table(data, job.file.name))
    except FileProblem as exc:
        MemberImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        _delete_upload(job)
        job.refresh_from_db()
        return job
    MemberImport.objects.filter(pk=job.pk).update(total_rows=len(rows))
    today = _today()
    report: list[dict] = []
    created = 0
    seen_phones: set[str] = set()
    seen_digests: set[str] = set()
    for start in range(0, len(rows), IMPORT_CHUNK):
        chunk = []
        for number, values in rows[start : start + IMPORT_CHUNK]:
            checked = check_row(number, values, today=today)
            if isinstance(checked, RowProblem):
                report.append(checked.as_dict())
                continue
            id_digest = digest(checked.id_number)
            if checked.phone in seen_phones or id_digest in seen_digests:
                report.append(
                    {"row": number, "code": "duplicate_in_file", "detail": "repeated in the file"}
                )
                continue
            seen_phones.add(checked.phone)
            seen_digests.add(id_digest)
            chunk.append((checked, id_digest))
        with transaction.atomic():
            made, refused = _import_chunk(job, chunk, today)
        created += made
        report.extend(refused)
        MemberImport.objects.filter(pk=job.pk).update(
            processed_rows=min(start + IMPORT_CHUNK, len(rows)),
            created_count=created,
            refused_count=len(report),
        )
    report.sort(key=lambda item: item["row"])
    MemberImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        report=report,
        refused_count=len(report),
        created_count=created,
        processed_rows=len(rows),
        finished_at=timezone.now(),
    )
    _delete_upload(job)
    job.refresh_from_db()
    return job


def _delete_upload(job: MemberImport) -> None:
    """The upload holds full names, phones and plain ID numbers: once imported, only the
    per-row report (row numbers and reasons) stays (PIPL art. 19: keep no longer than needed)."""
    if job.file:
        job.file.delete(save=False)
    MemberImport.objects.filter(pk=job.pk).update(file="")


def _import_chunk(job: MemberImport, chunk: list, today: dt.date) -> tuple[int, list[dict]]:

    User = get_user_model()
    refused: list[dict] = []
    if not chunk:
        return 0, refused
    phones = [row.phone for row, _d in chunk]
    digests = [d for _r, d in chunk]
    user_by_phone = dict(
        PhoneNumber.objects.filter(phone__in=phones).values_list("phone", "user_id")
    )
    active_users = set(
        Membership.objects.filter(
            user_id__in=user_by_phone.values(), status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
    active_digests = set(
        Membership.objects.filter(
            id_number_digest__in=digests, status=MembershipStatus.ACTIVE
        ).values_list("id_number_digest", flat=True)
    )
    union = Union.objects.select_for_update().get(pk=job.union_id)
    # All numbers of the union: given ones must be free, allocated ones skip them.
    taken_nos = set(
        Membership.objects.filter(union=union)
        .exclude(member_no="")
        .values_list("member_no", flat=True)
    )
    accepted = []
    for row, id_digest in chunk:
        user_id = user_by_phone.get(row.phone)
        if (user_id is not None and user_id in active_users) or id_digest in active_digests:
            refused.append(
                {"row": row.row, "code": "already_member", "detail": "already an active member"}
            )
            continue
        if row.member_no and row.member_no in taken_nos:
            refused.append(
                {"row": row.row, "code": "member_no_taken", "detail": "member number in use"}
            )
            continue
        if row.member_no:
            taken_nos.add(row.member_no)
        accepted.append((row, id_digest, user_id))
    # New accounts for people the site does not know yet: they log in by SMS code.
    new_users = []
    for row, _d, user_id in accepted:
        if user_id is None:
            # The unusable-password form set_unusable_password() writes, without its per-call
            # hasher lookup (a third of the import time on 10,000 rows).
            user = User(
                username="m" + row.phone.removeprefix("+"),
                first_name=row.full_name[:150],
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            new_users.append(user)
    existing_names = set(
        User.objects.filter(username__in=[u.username for u in new_users]).values_list(
            "username", flat=True
        )
    )
    for user in new_users:
        if user.username in existing_names:
            user.username = f"{user.username}-{job.pk}"
    User.objects.bulk_create(new_users)
    if new_users and new_users[0].pk is None:
        # Backends that do not return ids from a bulk insert.
        ids = dict(
            User.objects.filter(username__in=[u.username for u in new_users]).values_list(
                "username", "pk"
            )
        )
        for user in new_users:
            user.pk = ids[user.username]
    made_users = iter(new_users)
    phone_rows, memberships = [], []
    prefix = union.member_no_prefix or f"U{union.pk}-"
    seq = union.member_seq
    now = timezone.now()
    for row, id_digest, user_id in accepted:
        if user_id is None:
            user_id = next(made_users).pk
            phone_rows.append(PhoneNumber(user_id=user_id, phone=row.phone, verified=False))
        member_no = row.member_no
        while not member_no:
            seq += 1
            candidate = f"{prefix}{seq:06d}"
            if candidate not in taken_nos:
                member_no = candidate
        taken_nos.add(member_no)
        memberships.append(
            Membership(
                user_id=user_id,
                union=union,
                status=MembershipStatus.ACTIVE,
                member_no=member_no,
                since=row.since or today,
                full_name=row.full_name,
                phone=row.phone,
                id_number=row.id_number,
                id_number_digest=id_digest,
                worker_type=row.worker_type,
                occupation=row.occupation,
                platform=row.platform,
                city=row.city,
                decided_at=now,
                decided_by=job.created_by,
            )
        )
    PhoneNumber.objects.bulk_create(phone_rows)
    Membership.objects.bulk_create(memberships)
    union.member_seq = seq
    union.save(update_fields=["member_seq"])
    if memberships and memberships[0].pk is None:
        memberships = list(
            Membership.objects.filter(union=union, member_no__in=[m.member_no for m in memberships])
        )
    MembershipEvent.objects.bulk_create(
        MembershipEvent(
            membership_id=m.pk,
            status=MembershipStatus.ACTIVE,
            previous="",
            actor=job.created_by,
            note="imported",
        )
        for m in memberships
    )
    return len(memberships), refused
