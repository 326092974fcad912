"""Signed -> filed -> in force / objected: the filing with the labour administration.

Collective Contract Provisions art. 42 (filed within 10 days of the chiefs' signatures, three
copies), art. 47 (the administration may object within 15 days of the day it RECEIVED the
text, which staff may correct with a reason) and art. 46 (an objection sends only the items
objected to back to the table).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining.contracts import deadlines
from bargaining.contracts.lifecycle import (
    CS,
    MAX_OBJECTION_LENGTH,
    MAX_REFERENCE_LENGTH,
    OBJECTION_EMPTY,
    OBJECTION_LATE,
    _contract,
    _event,
    _is_chief_or_staff,
    _lock,
    _require,
    _require_status,
    _set_status,
    _viewer,
)
from bargaining.contracts.models import Contract
from bargaining.models import Case, ItemStatus, Side
from legalaid import holidays
from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.core.errors import Conflict, DomainError


def contract_file(
    *,
    case: Case,
    by,
    reference: str = "",
    received_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Contract:
    """Record that the employer side filed the signed contract with the labour administration.
    The 15 days of art. 47 run from the day it RECEIVED the text (default: the filing day)."""
    now = now or timezone.now()
    reference = (reference or "").strip()
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise DomainError("invalid", _("The reference is too long."), field="reference")
    received = received_on or deadlines.local_date(now)
    if received < deadlines.local_date(now) - dt.timedelta(days=366):
        raise DomainError(
            "invalid_date", _("The receipt date is not plausible."), field="received_on"
        )
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.side == Side.EMPLOYER or viewer.is_observer,
            _("The employer side files the contract."),
        )
        _require_status(case, CS.SIGNED)
        contract = _contract(case)
        contract.filed_at, contract.filed_by = now, by
        contract.filing_reference = reference
        contract.filing_received_on = received
        contract.objection_due = deadlines.objection_due_from(received, holidays.last_day)
        contract.save(
            update_fields=[
                "filed_at",
                "filed_by",
                "filing_reference",
                "filing_received_on",
                "objection_due",
            ]
        )
        _set_status(case, CS.FILED)
        _event(
            case,
            "contract.filed",
            by,
            _(
                "Filed with the labour administration; received on %(received)s, objections "
                "until %(due)s (Collective Contract Provisions art. 47)"
            )
            % {"received": received.isoformat(), "due": contract.objection_due.isoformat()},
            objection_due=contract.objection_due.isoformat(),
            received_on=received.isoformat(),
            late=deadlines.local_date(now) > contract.filing_due if contract.filing_due else False,
        )
        audit_record(
            action=AuditAction.CONTRACT_FILE,
            actor=by,
            obj=contract,
            union=case.union_id,
            detail=f"case {case.pk}",
        )
    return contract


def contract_set_filing_received(*, case: Case, by, received_on: dt.date, reason: str) -> Contract:
    """Staff correct the day the labour administration received the contract (art. 47), with
    a reason; the objection period moves with it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required", _("Give the reason for the correction."), field="reason"
        )
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(viewer.is_observer, _("Only the union's staff may correct the receipt date."))
        _require_status(case, CS.FILED)
        contract = _contract(case)
        if contract.filed_at and received_on < deadlines.local_date(contract.filed_at):
            raise DomainError(
                "invalid_date", _("It cannot be received before it was sent."), field="received_on"
            )
        contract.filing_received_on = received_on
        contract.filing_received_note = reason[:500]
        contract.objection_due = deadlines.objection_due_from(received_on, holidays.last_day)
        contract.save(update_fields=["filing_received_on", "filing_received_note", "objection_due"])
        _event(
            case,
            "contract.received_corrected",
            by,
            _("Receipt by the labour administration corrected to %(day)s: %(reason)s")
            % {"day": received_on.isoformat(), "reason": reason},
            objection_due=contract.objection_due.isoformat(),
        )
    return contract


def contract_record_objection(
    *, case: Case, by, text: str, item_ids=(), now: dt.datetime | None = None
) -> Contract:
    """The labour administration objected within its 15 days: record what it said and which
    items it objected to; only those are bargained again (art. 46)."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise DomainError(OBJECTION_EMPTY, _("Write down the objection."), field="text")
    if len(text) > MAX_OBJECTION_LENGTH:
        raise DomainError("invalid", _("The objection is too long."), field="text")
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.is_observer or viewer.side == Side.EMPLOYER,
            _("The employer side or the union's staff record an objection."),
        )
        _require_status(case, CS.FILED)
        contract = _contract(case)
        if contract.objection_due and deadlines.local_date(now) > contract.objection_due:
            raise Conflict(OBJECTION_LATE, _("The 15 days for an objection have passed."))
        try:
            wanted = {int(i) for i in item_ids or ()}
        except (TypeError, ValueError):
            raise DomainError("unknown_item", _("Unknown item."), field="item_ids") from None
        known = set(case.items.filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted != known:
            raise DomainError("unknown_item", _("Unknown item."), field="item_ids")
        contract.objected_at, contract.objection = now, text
        contract.objected_items = sorted(known)
        contract.save(update_fields=["objected_at", "objection", "objected_items"])
        _set_status(case, CS.OBJECTED)
        _event(
            case,
            "contract.objected",
            by,
            _("The labour administration objected"),
            text=text,
            items=sorted(known),
        )
    return contract


def contract_resume_bargaining(*, case: Case, by) -> Case:
    """After a rejection: reopen every item. After an objection: reopen only the items objected
    to (Collective Contract Provisions art. 46); the others stay agreed."""
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(_is_chief_or_staff(viewer), _("Only a chief representative or staff may do this."))
        _require_status(case, CS.REJECTED, CS.OBJECTED)
        objected = Contract.objects.filter(case=case).values_list("objected_items", flat=True)
        objected = (objected.first() or []) if case.status == CS.OBJECTED else []
        reopen = case.items.filter(pk__in=objected) if objected else case.items.all()
        reopen.update(status=ItemStatus.OPEN)
        if objected:
            # Still agreed, but tentatively: the chiefs confirm the whole again at the end.
            case.items.exclude(pk__in=objected).update(status=ItemStatus.TENTATIVE)
        case.status = CS.ACTIVE
        case.union_confirmed_at = case.employer_confirmed_at = case.agreed_at = None
        case.save(
            update_fields=["status", "union_confirmed_at", "employer_confirmed_at", "agreed_at"]
        )
        Contract.objects.filter(case=case).update(
            ballot=None,
            ratified_at=None,
            ratifying_body="",
            union_signed_by=None,
            union_signed_at=None,
            employer_signed_by=None,
            employer_signed_at=None,
            signed_at=None,
            filing_due=None,
            filed_at=None,
            filed_by=None,
            filing_received_on=None,
            filing_received_note="",
            objection_due=None,
        )
        _event(
            case,
            "contract.reopened",
            by,
            _(
                "Back to bargaining on the items objected to (Collective Contract Provisions art. 46)"
            )
            if objected
            else _("Back to bargaining"),
            items=list(objected),
        )
    return case
