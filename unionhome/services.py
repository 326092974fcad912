"""Writes of the union core: join codes, applications, decisions, transfers, personal data.

Every function is keyword-only, takes models and values (never a request), runs in one
transaction and tells people (SMS, in-site notification) only after the commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome import roles, selectors
from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.crypto import digest
from unionhome.errors import Conflict, DomainError, NotAllowed
from unionhome.idcard import id_number_problem, normalize_id_number
from unionhome.models import (
    DeletionRequest,
    DeletionStatus,
    ImportStatus,
    JoinCode,
    JoinCodeKind,
    MemberImport,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Notification,
    Transfer,
    TransferStatus,
    Union,
    UnionKind,
    UnionStaff,
    WorkerType,
)
from unionhome.sms import send_sms

ERROR_INVALID_ID = "invalid_id_number"
ERROR_CONSENT = "consent_required"
ERROR_WORKER_TYPE = "invalid_worker_type"
ERROR_REQUIRED = "required"
ERROR_DUPLICATE = "duplicate_application"
ERROR_ALREADY_MEMBER = "already_member"
ERROR_TRANSFER_INSTEAD = "transfer_instead"
ERROR_NOT_PENDING = "not_pending"
ERROR_IN_POOL = "assign_first"
ERROR_NOT_IN_POOL = "not_in_pool"
ERROR_DISTRICT = "district_required"
ERROR_NOT_MEMBER = "not_a_member"
ERROR_SAME_UNION = "same_union"
ERROR_TRANSFER_PENDING = "transfer_pending"
ERROR_GENERAL_CODE = "general_code_transfer"
ERROR_REASON = "reason_required"


def _id_problem_message(problem: str) -> str:
    messages = {
        "length": _("A resident ID number has 18 characters."),
        "characters": _("A resident ID number has 17 digits and a final digit or X."),
        "province": _("The first two digits are not a mainland province code."),
        "birth_date": _("The birth date in the ID number is not a real date."),
        "checksum": _("The check digit does not match: please check the number."),
    }
    return messages.get(problem, _("Enter a valid resident ID number."))


def _today() -> dt.date:
    return timezone.localdate()


def _record(membership: Membership, *, previous: str, actor=None, note: str = "") -> None:
    MembershipEvent.objects.create(
        membership=membership,
        status=membership.status,
        previous=previous,
        actor=actor,
        note=note[:300],
    )


def notify(*, user, message: str, url: str = "", phone: str = "") -> Notification:
    """An in-site notification now, and the SMS once the transaction has committed."""
    note = Notification.objects.create(user=user, message=message[:500], url=url)
    if phone:
        transaction.on_commit(lambda: send_sms(phone, message))
    return note


def _require_staff(actor, union: Union) -> None:
    if not roles.is_union_staff(actor, union):
        raise NotAllowed(_("Only staff of this union may do this."))


# --- Join codes -----------------------------------------------------------------------------


def join_code_ensure_default(*, union: Union) -> JoinCode:
    """The union's main join code, made on first use (the federation's is the general code)."""
    code = JoinCode.objects.filter(union=union, is_default=True).first()
    if code is not None:
        return code
    # Federation and district codes are general codes: applicants wait in a district's pool.
    pooled = union.kind in (UnionKind.FEDERATION, UnionKind.DISTRICT)
    kind = JoinCodeKind.GENERAL if pooled else JoinCodeKind.UNION
    try:
        with transaction.atomic():
            return JoinCode.objects.create(union=union, is_default=True, kind=kind)
    except IntegrityError:
        # Two first visits at once: the other one made it.
        return JoinCode.objects.get(union=union, is_default=True)


def join_code_create(
    *,
    union: Union,
    actor,
    source: str,
    expires_at: dt.datetime | None = None,
    kind: str = JoinCodeKind.UNION,
) -> JoinCode:
    """An extra join code for one union, tagged with where it is posted."""
    _require_staff(actor, union)
    source = (source or "").strip()
    if not source:
        raise DomainError(ERROR_REQUIRED, _("Say where this code will be posted."), field="source")
    if union.kind in (UnionKind.FEDERATION, UnionKind.DISTRICT):
        kind = JoinCodeKind.GENERAL
    if kind == JoinCodeKind.GENERAL and union.kind not in (
        UnionKind.FEDERATION,
        UnionKind.DISTRICT,
    ):
        raise DomainError(
            "general_code_union", _("Only the federation has a general code."), field="kind"
        )
    with transaction.atomic():
        return JoinCode.objects.create(
            union=union, source=source[:120], expires_at=expires_at, kind=kind, created_by=actor
        )


def join_code_rotate(*, code: JoinCode, actor) -> JoinCode:
    """Replace the code's token: every QR printed before stops working."""
    _require_staff(actor, code.union)
    with transaction.atomic():
        locked = JoinCode.objects.select_for_update().get(pk=code.pk)
        locked.version += 1
        locked.rotated_at = timezone.now()
        locked.save(update_fields=["version", "rotated_at"])
    return locked


def join_code_set_active(*, code: JoinCode, actor, active: bool) -> JoinCode:
    _require_staff(actor, code.union)
    with transaction.atomic():
        JoinCode.objects.filter(pk=code.pk).update(active=active)
    code.refresh_from_db()
    return code


# --- Applications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationData:
    full_name: str
    phone: str
    id_number: str
    worker_type: str
    occupation: str
    platform: str
    city: str


def application_clean(
    *,
    full_name: str,
    phone: str,
    id_number: str,
    worker_type: str,
    occupation: str = "",
    platform: str = "",
    city: str = "",
    consent: bool,
) -> ApplicationData:
    """Validate and normalise the fields of an application (raises 422 DomainError)."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise DomainError(ERROR_REQUIRED, _("Enter your full name."), field="full_name")
    phone_e164 = normalize_mainland_mobile(phone)
    id_number = normalize_id_number(id_number)
    problem = id_number_problem(id_number)
    if problem:
        raise DomainError(ERROR_INVALID_ID, _id_problem_message(problem), field="id_number")
    if worker_type not in WorkerType.values:
        raise DomainError(ERROR_WORKER_TYPE, _("Choose a worker type."), field="worker_type")
    if consent is not True:
        raise DomainError(
            ERROR_CONSENT,
            _("Please agree to the processing of your personal information to apply."),
            field="consent",
        )
    return ApplicationData(
        full_name=full_name[:100],
        phone=phone_e164,
        id_number=id_number,
        worker_type=worker_type,
        occupation=(occupation or "").strip()[:100],
        platform=(platform or "").strip()[:100],
        city=(city or "").strip()[:100],
    )


def _target_for_code(code: JoinCode, district: Union | None) -> tuple[Union, bool]:
    """Where an application through ``code`` lands: the union, or a district's holding pool."""
    if code.kind != JoinCodeKind.GENERAL:
        return code.union, False
    districts = selectors.union_districts(union=code.union)
    if district is None and len(districts) == 1:
        district = districts[0]
    if district is None or district.pk not in {d.pk for d in districts}:
        raise DomainError(ERROR_DISTRICT, _("Choose your district."), field="district_id")
    return district, True


def membership_apply(
    *,
    user,
    token: str,
    full_name: str,
    phone: str,
    id_number: str,
    worker_type: str,
    occupation: str = "",
    platform: str = "",
    city: str = "",
    consent: bool,
    district: Union | None = None,
) -> Membership:
    """Apply to join the union named by a join token (pending until its staff decide)."""
    code = selectors.join_code_from_token(token=token)
    data = application_clean(
        full_name=full_name,
        phone=phone,
        id_number=id_number,
        worker_type=worker_type,
        occupation=occupation,
        platform=platform,
        city=city,
        consent=consent,
    )
    union, in_pool = _target_for_code(code, district)
    with transaction.atomic():
        active = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).first()
        if active is not None:
            if active.union_id == union.pk:
                raise Conflict(ERROR_ALREADY_MEMBER, _("You are already a member of this union."))
            raise Conflict(
                ERROR_TRANSFER_INSTEAD,
                _("You are already a member of %(union)s: transfer your membership instead.")
                % {"union": active.union.name},
            )
        if Membership.objects.filter(user=user, status=MembershipStatus.PENDING).exists():
            raise Conflict(ERROR_DUPLICATE, _("You already have an application waiting."))
        try:
            # A savepoint, so a lost race leaves the outer transaction usable.
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user,
                    union=union,
                    status=MembershipStatus.PENDING,
                    in_pool=in_pool,
                    join_code=code,
                    consent_at=timezone.now(),
                    **data.__dict__,
                )
        except IntegrityError as exc:
            # one_pending_application: a concurrent second application of the same person.
            raise Conflict(ERROR_DUPLICATE, _("You already have an application waiting.")) from exc
        _record(membership, previous="", actor=user)
    return membership


def _allocate_member_no(union_id: int) -> str:
    """The next member number of a union. The union row is locked, so concurrent approvals
    in one union never get the same number."""
    union = Union.objects.select_for_update().get(pk=union_id)
    prefix = union.member_no_prefix or f"U{union.pk}-"
    seq = union.member_seq
    while True:
        seq += 1
        member_no = f"{prefix}{seq:06d}"
        # Numbers made outside this counter (imports, demo data) are skipped.
        if not Membership.objects.filter(union_id=union_id, member_no=member_no).exists():
            break
    union.member_seq = seq
    union.save(update_fields=["member_seq"])
    return member_no


def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("union").get(pk=membership.pk)


def membership_approve(*, membership: Membership, actor) -> Membership:
    """Staff of the union accept an application: it becomes active with a member number."""
    _require_staff(actor, membership.union)
    with transaction.atomic():
        locked = _lock_membership(membership)
        if locked.status != MembershipStatus.PENDING:
            raise Conflict(ERROR_NOT_PENDING, _("This application has already been decided."))
        if locked.in_pool:
            raise Conflict(ERROR_IN_POOL, _("Assign this application to a union first."))
        if (
            Membership.objects.filter(user_id=locked.user_id, status=MembershipStatus.ACTIVE)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise Conflict(
                ERROR_ALREADY_MEMBER, _("This person is already an active member elsewhere.")
            )
        locked.status = MembershipStatus.ACTIVE
        locked.member_no = _allocate_member_no(locked.union_id)
        locked.since = locked.since or _today()
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "member_no", "since", "decided_at", "decided_by"])
        _record(locked, previous=MembershipStatus.PENDING, actor=actor)
        notify(
            user=locked.user,
            message=_("Welcome to %(union)s! Your member number is %(no)s.")
            % {"union": locked.union.name, "no": locked.member_no},
            url="/membership/",
            phone=locked.phone,
        )
    return locked


def membership_reject(*, membership: Membership, actor, reason: str) -> Membership:
    """Staff of the union refuse an application, giving the applicant a reason."""
    _require_staff(actor, membership.union)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERROR_REASON, _("Give a reason for the rejection."), field="reason")
    with transaction.atomic():
        locked = _lock_membership(membership)
        if locked.status != MembershipStatus.PENDING:
            raise Conflict(ERROR_NOT_PENDING, _("This application has already been decided."))
        locked.status = MembershipStatus.REJECTED
        locked.reject_reason = reason[:2000]
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "reject_reason", "decided_at", "decided_by"])
        _record(locked, previous=MembershipStatus.PENDING, actor=actor, note=reason)
        notify(
            user=locked.user,
            message=_("Your application to %(union)s was not accepted: %(reason)s")
            % {"union": locked.union.name, "reason": reason[:200]},
            url="/membership/",
            phone=locked.phone,
        )
    return locked


def membership_assign(*, membership: Membership, actor, union: Union | None = None) -> Membership:
    """District staff move an application out of the holding pool to a union of the district
    (by default its regional catch-all union)."""
    _require_staff(actor, membership.union)
    with transaction.atomic():
        locked = _lock_membership(membership)
        if not locked.in_pool or locked.status != MembershipStatus.PENDING:
            raise Conflict(ERROR_NOT_IN_POOL, _("This application is not in the holding pool."))
        district = locked.union
        target = union or selectors.union_catch_all(district=district)
        if target is None:
            raise DomainError(
                ERROR_REQUIRED, _("This district has no regional union: choose one."), field="union"
            )
        if target.kind == UnionKind.DISTRICT or not any(
            a.pk == district.pk for a in target.ancestors()
        ):
            raise DomainError(
                "union_outside_district", _("Choose a union of this district."), field="union"
            )
        locked.union = target
        locked.in_pool = False
        locked.save(update_fields=["union", "in_pool"])
        _record(
            locked,
            previous=MembershipStatus.PENDING,
            actor=actor,
            note=_("Assigned to %(union)s") % {"union": target.name},
        )
    return locked


def membership_lapse(*, membership: Membership, actor, note: str = "") -> Membership:
    """Staff end an active membership (dues unpaid, left the trade, ...)."""
    _require_staff(actor, membership.union)
    with transaction.atomic():
        locked = _lock_membership(membership)
        if locked.status != MembershipStatus.ACTIVE:
            raise Conflict("not_active", _("Only an active membership can lapse."))
        locked.status = MembershipStatus.LAPSED
        locked.save(update_fields=["status"])
        _record(locked, previous=MembershipStatus.ACTIVE, actor=actor, note=note)
    return locked


# --- Transfers ------------------------------------------------------------------------------


def transfer_request(*, user, token: str) -> Transfer:
    """An active member asks to move to the union whose join QR they scanned."""
    code = selectors.join_code_from_token(token=token)
    if code.kind == JoinCodeKind.GENERAL:
        raise DomainError(
            ERROR_GENERAL_CODE,
            _("Scan the code of the union you want to move to, not the general code."),
            field="token",
        )
    with transaction.atomic():
        current = (
            Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
            .select_related("union")
            .first()
        )
        if current is None:
            raise DomainError(
                ERROR_NOT_MEMBER, _("Only an active member can transfer: apply to join instead.")
            )
        if current.union_id == code.union_id:
            raise DomainError(ERROR_SAME_UNION, _("You are already a member of this union."))
        if Transfer.objects.filter(user=user, status=TransferStatus.PENDING).exists():
            raise Conflict(ERROR_TRANSFER_PENDING, _("You already have a transfer waiting."))
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(
                    user=user, from_membership=current, to_union=code.union, join_code=code
                )
        except IntegrityError as exc:
            # one_pending_transfer: a concurrent request of the same member won.
            raise Conflict(
                ERROR_TRANSFER_PENDING, _("You already have a transfer waiting.")
            ) from exc
    return transfer


def _lock_transfer(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("to_union", "from_membership")
        .get(pk=transfer.pk)
    )


def transfer_approve(*, transfer: Transfer, actor) -> Transfer:
    """Staff of the destination union accept: the old membership becomes ``transferred``, a new
    active one starts with the same ``since`` (membership years carry over)."""
    _require_staff(actor, transfer.to_union)
    with transaction.atomic():
        locked = _lock_transfer(transfer)
        if locked.status != TransferStatus.PENDING:
            raise Conflict(ERROR_NOT_PENDING, _("This transfer has already been decided."))
        old = _lock_membership(locked.from_membership)
        if old.status != MembershipStatus.ACTIVE:
            raise Conflict(ERROR_NOT_MEMBER, _("The membership to transfer is no longer active."))
        # The old one ends first: the database allows one active membership per person.
        old.status = MembershipStatus.TRANSFERRED
        old.save(update_fields=["status"])
        _record(
            old,
            previous=MembershipStatus.ACTIVE,
            actor=actor,
            note=_("Transferred to %(union)s") % {"union": locked.to_union.name},
        )
        now = timezone.now()
        new = Membership(
            user_id=old.user_id,
            union=locked.to_union,
            status=MembershipStatus.ACTIVE,
            since=old.since,
            full_name=old.full_name,
            phone=old.phone,
            id_number=old.id_number,
            worker_type=old.worker_type,
            occupation=old.occupation,
            platform=old.platform,
            city=old.city,
            consent_at=old.consent_at,
            decided_at=now,
            decided_by=actor,
            join_code=locked.join_code,
            transferred_from=old,
        )
        new.member_no = _allocate_member_no(locked.to_union_id)
        new.save()
        _record(
            new,
            previous="",
            actor=actor,
            note=_("Transferred from %(union)s") % {"union": old.union.name},
        )
        locked.status = TransferStatus.APPROVED
        locked.new_membership = new
        locked.decided_at = now
        locked.decided_by = actor
        locked.save(update_fields=["status", "new_membership", "decided_at", "decided_by"])
        notify(
            user=new.user,
            message=_("Your membership has moved to %(union)s. Your new member number is %(no)s.")
            % {"union": new.union.name, "no": new.member_no},
            url="/membership/",
            phone=new.phone,
        )
    return locked


def transfer_reject(*, transfer: Transfer, actor, reason: str) -> Transfer:
    _require_staff(actor, transfer.to_union)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERROR_REASON, _("Give a reason for the rejection."), field="reason")
    with transaction.atomic():
        locked = _lock_transfer(transfer)
        if locked.status != TransferStatus.PENDING:
            raise Conflict(ERROR_NOT_PENDING, _("This transfer has already been decided."))
        locked.status = TransferStatus.REJECTED
        locked.reason = reason[:2000]
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        notify(
            user=locked.user,
            message=_("Your transfer to %(union)s was not accepted: %(reason)s")
            % {"union": locked.to_union.name, "reason": reason[:200]},
            url="/membership/",
            phone=locked.from_membership.phone,
        )
    return locked


def transfer_cancel(*, transfer: Transfer, user) -> Transfer:
    if transfer.user_id != user.pk:
        raise NotAllowed(_("This is not your transfer."))
    with transaction.atomic():
        locked = _lock_transfer(transfer)
        if locked.status != TransferStatus.PENDING:
            raise Conflict(ERROR_NOT_PENDING, _("This transfer has already been decided."))
        locked.status = TransferStatus.CANCELLED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
    return locked


# --- Personal data --------------------------------------------------------------------------


def deletion_request_create(*, user, note: str = "") -> DeletionRequest:
    """A member asks for their personal data to be deleted; staff carry it out."""
    with transaction.atomic():
        if DeletionRequest.objects.filter(user=user, status=DeletionStatus.PENDING).exists():
            raise Conflict("deletion_pending", _("Your request is already waiting."))
        try:
            with transaction.atomic():
                return DeletionRequest.objects.create(user=user, note=(note or "")[:2000])
        except IntegrityError as exc:
            raise Conflict("deletion_pending", _("Your request is already waiting.")) from exc


ERASED_NAME = "已删除"


def deletion_request_carry_out(*, request: DeletionRequest, actor) -> DeletionRequest:
    """Erase the member's personal data, keeping what the law requires (see the privacy notice):
    union, member number, status history and dates stay; name, phone, ID number, occupation,
    platform and city go. Open applications and transfers are withdrawn."""
    memberships = list(Membership.objects.filter(user_id=request.user_id).select_related("union"))
    allowed = roles.is_federation_staff(actor) or any(
        roles.is_union_staff(actor, m.union) for m in memberships
    )
    if not allowed:
        raise NotAllowed(_("Only staff of the member's union may do this."))
    with transaction.atomic():
        locked = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != DeletionStatus.PENDING:
            raise Conflict(ERROR_NOT_PENDING, _("This request has already been handled."))
        now = timezone.now()
        Transfer.objects.filter(user_id=locked.user_id, status=TransferStatus.PENDING).update(
            status=TransferStatus.CANCELLED, decided_at=now
        )
        for membership in Membership.objects.select_for_update().filter(user_id=locked.user_id):
            previous = membership.status
            if membership.status == MembershipStatus.PENDING:
                membership.status = MembershipStatus.REJECTED
                membership.reject_reason = "personal data deleted on request"
            elif membership.status == MembershipStatus.ACTIVE:
                membership.status = MembershipStatus.LAPSED
            membership.full_name = ERASED_NAME
            membership.phone = ""
            membership.id_number = ""
            membership.occupation = ""
            membership.platform = ""
            membership.city = ""
            membership.erased_at = now
            membership.save()
            if previous != membership.status:
                _record(membership, previous=previous, actor=actor, note="personal data deleted")
        user = locked.user
        user.first_name = ""
        user.last_name = ""
        user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        from unionhome.models import PhoneNumber

        PhoneNumber.objects.filter(user=user).delete()
        Notification.objects.filter(user=user).delete()
        locked.status = DeletionStatus.DONE
        locked.done_at = now
        locked.done_by = actor
        locked.save(update_fields=["status", "done_at", "done_by"])
    return locked


def notification_mark_read(*, user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )


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
        job = MemberImport.objects.create(union=union, file=upload, created_by=actor)
    if upload.size <= IMPORT_INLINE_BYTES:
        member_import_run(job=job)
    else:
        from unionhome.membership_tasks import run_member_import

        transaction.on_commit(lambda: run_member_import.enqueue(job.pk))
    job.refresh_from_db()
    return job


def member_import_run(*, job: MemberImport) -> MemberImport:
    """Import every row of the job's file, in chunks of one transaction each, recording the
    progress and, for each refused row, why."""
    from unionhome.imports import FileProblem, RowProblem, check_row, read_table

    MemberImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        rows = list(read_table(data, job.file.name))
    except FileProblem as exc:
        MemberImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
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
    job.refresh_from_db()
    return job


def _import_chunk(job: MemberImport, chunk: list, today: dt.date) -> tuple[int, list[dict]]:
    from django.contrib.auth import get_user_model

    from unionhome.models import PhoneNumber

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


# --- Union staff ----------------------------------------------------------------------------


def union_staff_add(*, union: Union, user, actor, title: str = "") -> UnionStaff:
    """Make ``user`` staff of ``union`` (and so of its subtree), with access to the admin."""
    _require_staff(actor, union)
    with transaction.atomic():
        link, _created = UnionStaff.objects.get_or_create(
            union=union, user=user, defaults={"title": (title or "")[:100]}
        )
        user.groups.add(roles.ensure_groups()[roles.UNION_STAFF])
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return link
