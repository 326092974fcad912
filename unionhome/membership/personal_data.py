"""A member's personal data: deletion requests (PIPL art. 47), in-site notices, and the
audited ways personal data leaves the system (unmasked ID numbers, the member's export)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.core import roles
from unionhome.core.errors import Conflict, NotAllowed
from unionhome.membership import selectors
from unionhome.membership.models import (
    DeletionRequest,
    DeletionStatus,
    Membership,
    MembershipStatus,
    Notification,
    PhoneNumber,
    Transfer,
    TransferStatus,
)
from unionhome.membership.services import (
    ERROR_NOT_PENDING,
    _record,
)

# --- Personal data --------------------------------------------------------------------------


def id_number_shown(*, membership: Membership, user) -> str:
    """The ID number as ``user`` may see it; each unmasked showing is audited."""
    if not selectors.can_see_full_id_number(user=user):
        return selectors.id_number_for(membership=membership, user=user)
    with transaction.atomic():
        audit_record(
            action=AuditAction.ID_NUMBER_VIEW,
            actor=user,
            obj=membership,
            union=membership.union_id,
        )
    return membership.id_number


def member_data_export(*, user) -> dict:
    """The member's own data (right of access, PIPL art. 45), with an audit entry."""
    data = selectors.member_data_export(user=user)
    with transaction.atomic():
        audit_record(
            action=AuditAction.DATA_EXPORT,
            actor=user,
            object_type="auth.user",
            object_id=user.pk,
            detail="own data",
        )
    return data


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
