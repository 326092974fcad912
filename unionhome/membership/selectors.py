"""Reads of the union core: join codes from tokens, what each role may see, counts, exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unionhome.core import roles
from unionhome.core.errors import DomainError, NotAllowed, NotFound
from unionhome.membership import tokens
from unionhome.membership.models import (
    DeletionRequest,
    JoinCode,
    Membership,
    MembershipStatus,
    Notification,
    PhoneNumber,
    Transfer,
    Union,
    UnionKind,
    mask_id_number,
)

ERROR_TOKEN_INVALID = "token_invalid"
ERROR_TOKEN_ROTATED = "token_rotated"
ERROR_TOKEN_EXPIRED = "token_expired"
ERROR_TOKEN_DISABLED = "token_disabled"
TOKEN_ERRORS = (ERROR_TOKEN_INVALID, ERROR_TOKEN_ROTATED, ERROR_TOKEN_EXPIRED, ERROR_TOKEN_DISABLED)


def join_code_from_token(*, token: str) -> JoinCode:
    """The join code a token names, or a 422 DomainError saying why the token is unusable."""
    try:
        data = tokens.read_join_token(token)
    except tokens.BadToken as exc:
        raise DomainError(
            ERROR_TOKEN_INVALID,
            _("This join code is not valid. Scan the code on the union's poster again."),
            field="token",
        ) from exc
    code = JoinCode.objects.select_related("union").filter(pk=data.code_id).first()
    if code is None:
        raise DomainError(ERROR_TOKEN_INVALID, _("This join code no longer exists."), field="token")
    if code.version != data.version:
        raise DomainError(
            ERROR_TOKEN_ROTATED,
            _("This join code has been replaced by a new one. Ask the union for its current code."),
            field="token",
        )
    if not code.active:
        raise DomainError(
            ERROR_TOKEN_DISABLED, _("This join code has been switched off."), field="token"
        )
    if code.expires_at is not None and code.expires_at <= timezone.now():
        raise DomainError(ERROR_TOKEN_EXPIRED, _("This join code has expired."), field="token")
    return code


def join_code_default(*, union) -> JoinCode | None:
    """The union's main join code; None only for a union made before codes came with it
    and not yet migrated (pages then say so instead of making one on a GET)."""
    return JoinCode.objects.filter(union=union, is_default=True).first()


def join_token(*, code: JoinCode) -> str:
    return tokens.make_join_token(code.pk, code.version)


def absolute_url(path: str, *, base_url: str | None = None) -> str:
    base = (base_url or settings.SITE_BASE_URL).rstrip("/")
    return base + path


def join_path(*, code: JoinCode) -> str:
    # Unprefixed (Chinese) path: the visitor's language is chosen by their browser there.
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("unionhome:join", kwargs={"token": join_token(code=code)})


def join_url(*, code: JoinCode, base_url: str | None = None) -> str:
    return absolute_url(join_path(code=code), base_url=base_url)


def card_url(*, membership: Membership, base_url: str | None = None) -> str:

    token = tokens.make_card_token(membership.pk, membership.member_no)
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("unionhome:verify_card", kwargs={"token": token})
    return absolute_url(path, base_url=base_url)


def membership_from_card_token(*, token: str) -> Membership:
    try:
        membership_id, member_no = tokens.read_card_token(token)
    except tokens.BadToken as exc:
        raise DomainError("card_invalid", _("This membership card code is not valid.")) from exc
    membership = (
        Membership.objects.select_related("union")
        .filter(pk=membership_id, member_no=member_no)
        .first()
    )
    if membership is None:
        raise NotFound(_("No membership matches this card."))
    return membership


@dataclass(frozen=True)
class CardCheck:
    """What a scan of a membership card tells the staff member who scanned it."""

    membership: Membership
    # None outside the checker's unions: the card's union and status only.
    full_name: str | None
    id_masked: str | None


def card_check(*, user, token: str) -> CardCheck:
    """A staff member scans a member's card. Least privilege (PIPL art. 6: no more personal
    information than the purpose needs): any union's staff may learn that the card is a valid
    card of union X (e.g. at a care station open to every union's members), but the name and
    the masked ID number only staff of the card's union, of a union above it, or of the
    federation, who serve that member."""
    if not (roles.is_federation_staff(user) or roles.staffed_union_ids(user)):
        raise NotAllowed(_("Only union staff can check membership cards."))
    membership = membership_from_card_token(token=token)
    if not roles.is_union_staff(user, membership.union_id):
        return CardCheck(membership=membership, full_name=None, id_masked=None)
    return CardCheck(
        membership=membership,
        full_name=membership.full_name,
        id_masked=mask_id_number(membership.id_number),
    )


def union_list(*, kind: str | None = None) -> QuerySet[Union]:
    qs = Union.objects.all().order_by("id")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def union_districts(*, union: Union) -> list[Union]:
    """The district federations under ``union`` (for the general code's holding pool)."""
    ids = roles.union_subtree_ids({union.pk})
    return list(Union.objects.filter(kind=UnionKind.DISTRICT, pk__in=ids).order_by("id"))


def union_catch_all(*, district: Union) -> Union | None:
    """The regional catch-all union of a district (the default target of its pool)."""
    return district.children.filter(kind=UnionKind.REGIONAL).order_by("id").first()


def union_subtree(*, union: Union) -> list[Union]:
    ids = roles.union_subtree_ids({union.pk})
    return list(Union.objects.filter(pk__in=ids).order_by("id"))


def membership_current(*, user) -> Membership | None:
    """The user's active membership, else their open application, else the latest one."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = Membership.objects.filter(user=user).select_related("union")
    return (
        qs.filter(status=MembershipStatus.ACTIVE).first()
        or qs.filter(status=MembershipStatus.PENDING).first()
        or qs.order_by("-applied_at", "-id").first()
    )


def memberships_visible_to(*, user) -> QuerySet[Membership]:
    """Memberships in the unions a staff user runs (federation staff: all)."""
    ids = roles.staffed_union_ids(user)
    return Membership.objects.filter(union_id__in=ids).select_related("union", "join_code")


def applications_pending_for(*, user) -> QuerySet[Membership]:
    return memberships_visible_to(user=user).filter(status=MembershipStatus.PENDING)


def transfers_visible_to(*, user) -> QuerySet[Transfer]:
    """Transfers into or out of the unions a staff user runs: both unions see them."""
    ids = roles.staffed_union_ids(user)
    return Transfer.objects.filter(
        Q(to_union_id__in=ids) | Q(from_membership__union_id__in=ids)
    ).select_related("from_membership__union", "to_union", "new_membership")


def transfer_pending_for_user(*, user) -> Transfer | None:
    return Transfer.objects.filter(user=user, status="pending").select_related("to_union").first()


def can_see_full_id_number(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("unionhome.view_full_id_number")
    )


def id_number_for(*, membership: Membership, user) -> str:
    if can_see_full_id_number(user=user):
        return membership.id_number
    return mask_id_number(membership.id_number)


def membership_counts(*, union_ids) -> dict:
    """Members by status and (active members) by worker type, for the dashboard chart."""
    rows = list(
        Membership.objects.filter(union_id__in=union_ids).values_list("status", "worker_type")
    )
    by_status = Counter(status for status, _worker in rows)
    by_worker = Counter(worker for status, worker in rows if status == MembershipStatus.ACTIVE)
    return {"by_status": dict(by_status), "by_worker_type": dict(by_worker)}


def join_code_counts(*, union_ids) -> list[dict]:
    """How many applications came through each code (which posters work)."""

    codes = (
        JoinCode.objects.filter(union_id__in=union_ids)
        .select_related("union")
        .annotate(
            applications=Count("memberships", distinct=True),
            active_members=Count(
                "memberships", filter=Q(memberships__status="active"), distinct=True
            ),
        )
        .order_by("union_id", "-is_default", "id")
    )
    return [
        {
            "code": code,
            "applications": code.applications,
            "active_members": code.active_members,
        }
        for code in codes
    ]


def notifications_for(*, user, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user=user)[:limit])


def member_data_export(*, user) -> dict:
    """Everything the site holds about the user as a member (their own data, unmasked)."""

    phone = PhoneNumber.objects.filter(user=user).first()
    return {
        "account": {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "phone": phone.phone if phone else "",
            "date_joined": user.date_joined.isoformat(),
        },
        "memberships": [
            {
                "id": m.pk,
                "union": m.union.name,
                "union_id": m.union_id,
                "status": m.status,
                "member_no": m.member_no,
                "since": m.since.isoformat() if m.since else None,
                "full_name": m.full_name,
                "phone": m.phone,
                "id_number": m.id_number,
                "worker_type": m.worker_type,
                "occupation": m.occupation,
                "platform": m.platform,
                "city": m.city,
                "consent_at": m.consent_at.isoformat() if m.consent_at else None,
                "applied_at": m.applied_at.isoformat(),
                "decided_at": m.decided_at.isoformat() if m.decided_at else None,
                "reject_reason": m.reject_reason,
                "history": [
                    {"status": e.status, "previous": e.previous, "at": e.at.isoformat()}
                    for e in m.events.all()
                ],
            }
            for m in Membership.objects.filter(user=user).select_related("union")
        ],
        "transfers": [
            {
                "id": t.pk,
                "from_union": t.from_membership.union.name,
                "to_union": t.to_union.name,
                "status": t.status,
                "requested_at": t.requested_at.isoformat(),
            }
            for t in Transfer.objects.filter(user=user).select_related(
                "from_membership__union", "to_union"
            )
        ],
        "deletion_requests": [
            {"status": d.status, "requested_at": d.requested_at.isoformat()}
            for d in DeletionRequest.objects.filter(user=user)
        ],
        "notifications": [
            {"message": n.message, "created_at": n.created_at.isoformat()}
            for n in Notification.objects.filter(user=user)
        ],
    }
