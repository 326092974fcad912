"""API endpoints for unions and membership (see API.md, "Unions and membership").

Thin: each endpoint reads its input, calls one selector or service and shapes the answer.
Domain errors become JSON ``{detail, code}`` in ``unionhome.config.api``.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from unionhome.core import qr, roles
from unionhome.core.api_types import StrictInt
from unionhome.core.errors import DomainError, NotAllowed, NotFound
from unionhome.membership import personal_data, selectors, services
from unionhome.membership.models import JoinCode, Membership, Transfer, Union, mask_id_number

router = Router(tags=["membership"])


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class UnionOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    region: str
    industry: str
    address: str
    contact_name: str
    contact_phone: str


class ApplyIn(Schema):
    token: str
    full_name: str = ""
    phone: str = ""
    id_number: str = ""
    worker_type: str = ""
    occupation: str = ""
    platform: str = ""
    city: str = ""
    consent: bool = False
    district_id: StrictInt | None = None


class MembershipCreatedOut(Schema):
    id: int
    status: str


class ApplicationOut(Schema):
    id: int
    union_id: int
    status: str
    in_pool: bool
    full_name: str
    phone: str
    id_number: str
    worker_type: str
    occupation: str
    platform: str
    city: str
    applied_at: dt.datetime
    join_code_id: int | None
    join_source: str


class DecisionOut(Schema):
    id: int
    status: str
    member_no: str
    union_id: int


class RejectIn(Schema):
    reason: str = ""


class AssignIn(Schema):
    union_id: StrictInt | None = None


class MyMembershipOut(Schema):
    id: int
    union_id: int
    union_name: str
    status: str
    member_no: str
    since: dt.date | None
    card_qr_url: str | None
    card_url: str | None
    full_name: str
    id_number: str
    worker_type: str
    reject_reason: str
    pending_transfer_id: int | None


class TransferIn(Schema):
    token: str


class TransferOut(Schema):
    id: int
    status: str
    from_union_id: int
    to_union_id: int
    full_name: str
    requested_at: dt.datetime
    new_membership_id: int | None
    member_no: str
    since: dt.date | None


class JoinCodeOut(Schema):
    id: int
    union_id: int
    kind: str
    source: str
    is_default: bool
    active: bool
    expires_at: dt.datetime | None
    join_url: str
    applications: int
    active_members: int


def _application_out(membership: Membership, user) -> dict:
    return {
        "id": membership.pk,
        "union_id": membership.union_id,
        "status": membership.status,
        "in_pool": membership.in_pool,
        "full_name": membership.full_name,
        "phone": membership.phone,
        "id_number": personal_data.id_number_shown(membership=membership, user=user),
        "worker_type": membership.worker_type,
        "occupation": membership.occupation,
        "platform": membership.platform,
        "city": membership.city,
        "applied_at": membership.applied_at,
        "join_code_id": membership.join_code_id,
        "join_source": membership.join_code.source if membership.join_code else "",
    }


def _transfer_out(transfer: Transfer) -> dict:
    new = transfer.new_membership
    return {
        "id": transfer.pk,
        "status": transfer.status,
        "from_union_id": transfer.from_membership.union_id,
        "to_union_id": transfer.to_union_id,
        "full_name": transfer.from_membership.full_name,
        "requested_at": transfer.requested_at,
        "new_membership_id": new.pk if new else None,
        "member_no": new.member_no if new else "",
        "since": new.since if new else transfer.from_membership.since,
    }


# --- Unions and join codes ------------------------------------------------------------------


@router.get("/unions", response=list[UnionOut], auth=None)
def list_unions(request, kind: str | None = None):
    """All organisations of the tree (federation and district nodes included, so that
    ``parent_id`` always resolves); filter with ``?kind=``."""
    return list(selectors.union_list(kind=kind))


@router.get("/unions/{union_id}/join-qr", auth=None)
def union_join_qr(request, union_id: int, format: str = "png", code_id: int | None = None):
    """The union's join QR code (its main code; staff may ask for one of the extra codes)."""
    union = get_object_or_404(Union, pk=union_id)
    if format not in ("png", "svg"):
        raise DomainError("invalid_format", _("format must be png or svg."), field="format")
    if code_id is None:
        code = selectors.join_code_default(union=union)
        if code is None:
            raise NotFound(_("This union has no join code yet."))
    else:
        code = JoinCode.objects.filter(pk=code_id, union=union).first()
        if code is None:
            raise NotFound(_("No such join code."))
        if not code.is_default and not roles.is_union_staff(request.user, union):
            raise NotAllowed(_("Only staff of this union may fetch this code."))
    url = selectors.join_url(code=code, base_url=_base_url(request))
    if format == "svg":
        response = HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.qr_png(url), content_type="image/png")
    response["X-Join-Url"] = url
    response["Cache-Control"] = "no-store"
    return response


@router.get("/unions/{union_id}/join-codes", response=list[JoinCodeOut])
def union_join_codes(request, union_id: int):
    """Staff: the union's join codes and how many applications came through each."""
    union = get_object_or_404(Union, pk=union_id)
    if not roles.is_union_staff(request.auth, union):
        raise NotAllowed(_("Only staff of this union may see its join codes."))
    base = _base_url(request)
    return [
        {
            "id": row["code"].pk,
            "union_id": row["code"].union_id,
            "kind": row["code"].kind,
            "source": row["code"].source,
            "is_default": row["code"].is_default,
            "active": row["code"].active,
            "expires_at": row["code"].expires_at,
            "join_url": selectors.join_url(code=row["code"], base_url=base),
            "applications": row["applications"],
            "active_members": row["active_members"],
        }
        for row in selectors.join_code_counts(union_ids=[union.pk])
    ]


# --- Applications ---------------------------------------------------------------------------


@router.post("/memberships/apply", response={201: MembershipCreatedOut})
def apply(request, payload: ApplyIn):
    district = None
    if payload.district_id is not None:
        district = Union.objects.filter(pk=payload.district_id).first()
        if district is None:
            raise DomainError(
                services.ERROR_DISTRICT, _("Choose your district."), field="district_id"
            )
    membership = services.membership_apply(
        user=request.auth,
        token=payload.token,
        full_name=payload.full_name,
        phone=payload.phone,
        id_number=payload.id_number,
        worker_type=payload.worker_type,
        occupation=payload.occupation,
        platform=payload.platform,
        city=payload.city,
        consent=payload.consent,
        district=district,
    )
    return Status(201, {"id": membership.pk, "status": membership.status})


@router.get("/memberships/pending", response=list[ApplicationOut])
def pending_applications(request):
    """Staff: open applications in the unions they run (pool applications included)."""
    qs = selectors.applications_pending_for(user=request.auth).order_by("applied_at")
    return [_application_out(m, request.auth) for m in qs]


def _membership_or_404(membership_id: int) -> Membership:
    membership = Membership.objects.select_related("union", "user").filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(_("No such application."))
    return membership


@router.post("/memberships/{membership_id}/approve", response=DecisionOut)
def approve(request, membership_id: int):
    membership = services.membership_approve(
        membership=_membership_or_404(membership_id), actor=request.auth
    )
    return membership


@router.post("/memberships/{membership_id}/reject", response=DecisionOut)
def reject(request, membership_id: int, payload: RejectIn):
    return services.membership_reject(
        membership=_membership_or_404(membership_id), actor=request.auth, reason=payload.reason
    )


@router.post("/memberships/{membership_id}/assign", response=DecisionOut)
def assign(request, membership_id: int, payload: AssignIn):
    """District staff: move a holding-pool application to a union (default: the catch-all)."""
    union = None
    if payload.union_id is not None:
        union = Union.objects.filter(pk=payload.union_id).first()
        if union is None:
            raise DomainError("union_outside_district", _("No such union."), field="union_id")
    return services.membership_assign(
        membership=_membership_or_404(membership_id), actor=request.auth, union=union
    )


# --- The member's own ----------------------------------------------------------------------


@router.get("/me/membership", response=MyMembershipOut)
def my_membership(request):
    membership = selectors.membership_current(user=request.auth)
    if membership is None:
        raise NotFound(_("You have no membership yet."), code="no_membership")
    active = membership.status == "active"
    base = _base_url(request)
    transfer = selectors.transfer_pending_for_user(user=request.auth)
    return {
        "id": membership.pk,
        "union_id": membership.union_id,
        "union_name": membership.union.name,
        "status": membership.status,
        "member_no": membership.member_no,
        "since": membership.since,
        "card_qr_url": base + "/api/v1/me/membership/card-qr?format=png" if active else None,
        "card_url": selectors.card_url(membership=membership, base_url=base) if active else None,
        "full_name": membership.full_name,
        # The member's own number is masked too: a phone screen is easily seen by others.
        "id_number": mask_id_number(membership.id_number),
        "worker_type": membership.worker_type,
        "reject_reason": membership.reject_reason,
        "pending_transfer_id": transfer.pk if transfer else None,
    }


@router.get("/me/membership/card-qr")
def my_card_qr(request, format: str = "png"):
    """The QR code of the member's card: a verify URL that staff scan."""
    membership = selectors.membership_current(user=request.auth)
    if membership is None or membership.status != "active":
        raise NotFound(_("You have no active membership."), code="no_membership")
    url = selectors.card_url(membership=membership, base_url=_base_url(request))
    if format == "svg":
        return HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
    return HttpResponse(qr.qr_png(url), content_type="image/png")


@router.post("/me/transfer", response={201: MembershipCreatedOut})
def request_transfer(request, payload: TransferIn):
    transfer = services.transfer_request(user=request.auth, token=payload.token)
    return Status(201, {"id": transfer.pk, "status": transfer.status})


@router.get("/me/export")
def my_data_export(request):
    """The member's own data as JSON (right of access and portability)."""
    return personal_data.member_data_export(user=request.auth)


@router.post("/me/deletion-request", response={201: MembershipCreatedOut})
def request_deletion(request):
    deletion = personal_data.deletion_request_create(user=request.auth)
    return Status(201, {"id": deletion.pk, "status": deletion.status})


# --- Transfers (staff) ---------------------------------------------------------------------


def _transfer_or_404(transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.select_related("to_union", "from_membership__union", "new_membership")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise NotFound(_("No such transfer."))
    return transfer


@router.get("/transfers", response=list[TransferOut])
def list_transfers(request, status: str | None = None):
    """Staff: transfers into and out of the unions they run."""
    qs = selectors.transfers_visible_to(user=request.auth)
    if status:
        qs = qs.filter(status=status)
    return [_transfer_out(t) for t in qs]


@router.post("/transfers/{transfer_id}/approve", response=TransferOut)
def approve_transfer(request, transfer_id: int):
    transfer = services.transfer_approve(transfer=_transfer_or_404(transfer_id), actor=request.auth)
    return _transfer_out(_transfer_or_404(transfer.pk))


@router.post("/transfers/{transfer_id}/reject", response=TransferOut)
def reject_transfer(request, transfer_id: int, payload: RejectIn):
    transfer = services.transfer_reject(
        transfer=_transfer_or_404(transfer_id), actor=request.auth, reason=payload.reason
    )
    return _transfer_out(_transfer_or_404(transfer.pk))
