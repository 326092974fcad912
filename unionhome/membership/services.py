"""Writes of the union core: join codes, applications, decisions, transfers, personal data.

Every function is keyword-only, takes models and values (never a request), runs in one
transaction and tells people (SMS, in-site notification) only after the commit.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotAllowed
from unionhome.core.sms import send_sms
from unionhome.membership import selectors
from unionhome.membership.application_form import (
    ERROR_REQUIRED,
    application_clean,
)
from unionhome.membership.models import (
    JoinCode,
    JoinCodeKind,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Notification,
    Transfer,
    TransferStatus,
    Union,
    UnionKind,
    UnionStaff,
)

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
    """The union's main join code (the federation's is the general code). Made when the union
    is created (``signals.union_saved``); pages only read it (``selectors.join_code_default``)."""
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


def join_codes_ensure_all() -> int:
    """Give every union lacking one its main join code; returns how many were made."""
    missing = Union.objects.exclude(join_codes__is_default=True)
    made = 0
    for union in missing:
        join_code_ensure_default(union=union)
        made += 1
    return made


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
        audit_record(
            action=AuditAction.MEMBERSHIP_APPROVE, actor=actor, obj=locked, union=locked.union_id
        )
        notify(
            user=locked.user,
            message=_("Welcome to %(union)s! Your member number is %(no)s.")
            % {"union": locked.union.name, "no": locked.member_no},
            url="/membership/",
            phone=locked.phone,
        )
    return locked


def _reject(
    target,
    *,
    lock,
    union: Union,
    actor,
    reason: str,
    rejected: str,
    reason_field: str,
    message: str,
    audit_action: str,
    after=None,
):
    """Refuse a pending application or transfer and tell the applicant why: both kinds of
    rejection check, lock, write and notify the same way. ``message`` is formatted with the
    union and the reason; ``after`` runs on the locked row inside the transaction."""
    _require_staff(actor, union)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERROR_REASON, _("Give a reason for the rejection."), field="reason")
    reason = reason[:2000]
    with transaction.atomic():
        locked = lock(target)
        if locked.status != "pending":
            raise Conflict(ERROR_NOT_PENDING, _("This has already been decided."))
        locked.status = rejected
        setattr(locked, reason_field, reason)
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", reason_field, "decided_at", "decided_by"])
        if after is not None:
            after(locked)
        audit_record(action=audit_action, actor=actor, obj=locked, union=union)
        notify(
            user=locked.user,
            message=message % {"union": union.name, "reason": reason[:200]},
            url="/membership/",
            phone=locked.phone if isinstance(locked, Membership) else locked.from_membership.phone,
        )
    return locked


def membership_reject(*, membership: Membership, actor, reason: str) -> Membership:
    """Staff of the union refuse an application, giving the applicant a reason."""
    return _reject(
        membership,
        lock=_lock_membership,
        union=membership.union,
        actor=actor,
        reason=reason,
        rejected=MembershipStatus.REJECTED,
        reason_field="reject_reason",
        message=_("Your application to %(union)s was not accepted: %(reason)s"),
        audit_action=AuditAction.MEMBERSHIP_REJECT,
        after=lambda locked: _record(
            locked, previous=MembershipStatus.PENDING, actor=actor, note=locked.reject_reason
        ),
    )


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
        audit_record(
            action=AuditAction.TRANSFER_APPROVE,
            actor=actor,
            obj=locked,
            union=locked.to_union_id,
            detail=f"membership {old.pk} -> {new.pk}",
        )
        notify(
            user=new.user,
            message=_("Your membership has moved to %(union)s. Your new member number is %(no)s.")
            % {"union": new.union.name, "no": new.member_no},
            url="/membership/",
            phone=new.phone,
        )
    return locked


def transfer_reject(*, transfer: Transfer, actor, reason: str) -> Transfer:
    """Staff of the receiving union refuse a transfer, giving the member a reason."""
    return _reject(
        transfer,
        lock=_lock_transfer,
        union=transfer.to_union,
        actor=actor,
        reason=reason,
        rejected=TransferStatus.REJECTED,
        reason_field="reason",
        message=_("Your transfer to %(union)s was not accepted: %(reason)s"),
        audit_action=AuditAction.TRANSFER_REJECT,
    )


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
