"""Bargaining endpoints (API.md, "Bargaining"), mounted at /api/v1/bargaining.

Thin: each endpoint calls one selector or service; DomainError becomes ``{detail, code}``.
Commands over REST behave like the WebSocket frames (same services, same idempotent
``client_id``, same event log and broadcast).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Router, Schema, Status

from bargaining import case_setup, events, selectors, services
from bargaining.models import Case, Side
from unionhome.core.api_types import StrictInt

router = Router(tags=["bargaining"])


class CaseSummaryOut(Schema):
    id: int
    title: str
    status: str
    union_id: int
    employer: str
    employer_kind: str
    answer_due: dt.datetime | None
    # Collective Contract Provisions art. 32: the 20 days run from receipt.
    request_received_on: dt.date | None = None
    answered_late: bool = False
    last_seq: int


class OfferOut(Schema):
    side: str
    value: Any
    display: str
    round: int
    breaks_floor: bool
    findings: list[dict]


class ItemOut(Schema):
    id: int
    topic: str
    title: str
    unit: str
    status: str
    value_kind: str
    statutory_check: str
    agreed_value: Any = None
    agreed_text: str = ""
    union_offer: OfferOut | None = None
    employer_offer: OfferOut | None = None
    gap: str | None = None


class CaseOut(CaseSummaryOut):
    items: list[ItemOut]
    sides: dict
    request: dict
    round: dict | None
    next_meeting_at: dt.datetime | None
    viewer: dict


class CommandOut(Schema):
    seq: int
    repeated: bool


class OfferIn(Schema):
    item: StrictInt
    value: Any
    note: str = ""
    client_id: str = ""


class AcceptIn(Schema):
    override: str = ""
    client_id: str = ""


class ClientIdIn(Schema):
    client_id: str = ""


class ChatIn(Schema):
    room: str
    text: str
    client_id: str = ""


class SuspendIn(Schema):
    next_meeting_at: dt.datetime
    reason: str = ""
    client_id: str = ""


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


def _offer_out(item, offer) -> dict | None:
    if offer is None:
        return None
    return {
        "side": offer.side,
        "value": offer.value,
        "display": services.value_display(item, offer.value),
        "round": offer.round.number,
        "breaks_floor": offer.breaks_floor,
        "findings": offer.findings,
    }


def _person(rep) -> dict:
    return {
        "id": rep.user_id,
        "name": rep.user.get_full_name() or rep.user.username,
        "role": rep.role,
    }


def case_detail(case: Case, viewer: selectors.Viewer) -> dict:
    reps = case.representatives.filter(active=True).select_related("user")
    sides = {
        Side.UNION.value: {"name": case.union.name, "representatives": []},
        Side.EMPLOYER.value: {"name": case.employer, "representatives": []},
    }
    for rep in reps:
        sides[rep.side]["representatives"].append(_person(rep))
    items = []
    for view in selectors.item_positions(case=case):
        item = view.item
        items.append(
            {
                "id": item.pk,
                "topic": item.topic,
                "title": item.title,
                "unit": item.unit,
                "status": item.status,
                "value_kind": item.value_kind,
                "statutory_check": item.statutory_check,
                "agreed_value": item.agreed_value,
                "agreed_text": item.agreed_text,
                "union_offer": _offer_out(item, view.union),
                "employer_offer": _offer_out(item, view.employer),
                "gap": str(view.gap) if view.gap is not None else None,
            }
        )
    current = selectors.round_current(case=case)
    return {
        "id": case.pk,
        "title": case.title,
        "status": case.status,
        "union_id": case.union_id,
        "employer": case.employer,
        "employer_kind": case.employer_kind,
        "answer_due": case.answer_due,
        "last_seq": case.last_seq,
        "items": items,
        "sides": sides,
        "request": {
            "side": case.requested_by_side,
            "text": case.request_text,
            "requested_at": case.requested_at,
            "answer_due": case.answer_due,
            "answer": case.answer,
            "reason": case.answer_reason,
            "answered_at": case.answered_at,
        },
        "round": (
            {"number": current.number, "chair_side": current.chair_side} if current else None
        ),
        "next_meeting_at": case.next_meeting_at,
        "viewer": {
            "side": viewer.side,
            "chief": viewer.is_chief,
            "observer": not viewer.is_representative,
        },
    }


def _visible(request, case_id: int):
    return selectors.case_get_visible(user=request.auth, case_id=case_id)


def _result(result: services.CommandResult) -> Status:
    """201 when applied now; 200 when the client_id was already applied (same seq)."""
    return Status(200 if result.repeated else 201, {"seq": result.seq, "repeated": result.repeated})


@router.get("/cases", response=list[CaseSummaryOut])
def case_list(request):
    return list(selectors.cases_visible(user=request.auth).order_by("-id"))


@router.get("/cases/{case_id}", response=CaseOut)
def case_get(request, case_id: int):
    case, viewer = _visible(request, case_id)
    return case_detail(case, viewer)


@router.get("/cases/{case_id}/events", response=list[dict])
def case_events(request, case_id: int, after: int = 0, limit: int = 500):
    case, viewer = _visible(request, case_id)
    limit = max(1, min(limit, 1000))
    rows = selectors.events_visible(case=case, viewer=viewer, after=max(after, 0), limit=limit)
    return [events.event_frame(e) for e in rows]


@router.get("/cases/{case_id}/items/{item_id}/chart.svg", response=None)
def item_chart(request, case_id: int, item_id: int):
    case, _viewer = _visible(request, case_id)
    for view in selectors.item_positions(case=case):
        if view.item.pk == item_id:
            svg = selectors.convergence_svg(history=view.history)
            return HttpResponse(svg, content_type="image/svg+xml")
    return HttpResponse(status=404)


@router.post("/cases/{case_id}/offers", response={200: CommandOut, 201: CommandOut})
def offer_submit(request, case_id: int, payload: OfferIn):
    case, _viewer = _visible(request, case_id)
    return _result(
        services.offer_submit(
            case=case,
            by=request.auth,
            item_id=payload.item,
            value=payload.value,
            note=payload.note,
            client_id=payload.client_id,
        )
    )


@router.post("/cases/{case_id}/items/{item_id}/accept", response={200: CommandOut, 201: CommandOut})
def item_accept(request, case_id: int, item_id: int, payload: AcceptIn):
    case, _viewer = _visible(request, case_id)
    return _result(
        services.item_accept(
            case=case,
            by=request.auth,
            item_id=item_id,
            override=payload.override,
            client_id=payload.client_id,
        )
    )


@router.post("/cases/{case_id}/items/{item_id}/reopen", response={200: CommandOut, 201: CommandOut})
def item_reopen(request, case_id: int, item_id: int, payload: ClientIdIn):
    case, _viewer = _visible(request, case_id)
    return _result(
        services.item_reopen(
            case=case, by=request.auth, item_id=item_id, client_id=payload.client_id
        )
    )


@router.post("/cases/{case_id}/chat", response={200: CommandOut, 201: CommandOut})
def chat_send(request, case_id: int, payload: ChatIn):
    case, _viewer = _visible(request, case_id)
    return _result(
        services.chat_send(
            case=case,
            by=request.auth,
            room=payload.room,
            text=payload.text,
            client_id=payload.client_id,
        )
    )


@router.post("/cases/{case_id}/rounds", response={200: CommandOut, 201: CommandOut})
def round_open(request, case_id: int, payload: ClientIdIn):
    case, _viewer = _visible(request, case_id)
    return _result(services.round_open(case=case, by=request.auth, client_id=payload.client_id))


@router.post("/cases/{case_id}/rounds/close", response={200: CommandOut, 201: CommandOut})
def round_close(request, case_id: int, payload: ClientIdIn):
    case, _viewer = _visible(request, case_id)
    return _result(services.round_close(case=case, by=request.auth, client_id=payload.client_id))


@router.post("/cases/{case_id}/suspend", response={200: CommandOut, 201: CommandOut})
def case_suspend(request, case_id: int, payload: SuspendIn):
    case, _viewer = _visible(request, case_id)
    return _result(
        services.case_suspend(
            case=case,
            by=request.auth,
            next_meeting_at=payload.next_meeting_at,
            reason=payload.reason,
            client_id=payload.client_id,
        )
    )


@router.post("/cases/{case_id}/resume", response={200: CommandOut, 201: CommandOut})
def case_resume(request, case_id: int, payload: ClientIdIn):
    case, _viewer = _visible(request, case_id)
    return _result(services.case_resume(case=case, by=request.auth, client_id=payload.client_id))


@router.post("/cases/{case_id}/agree", response={200: CommandOut, 201: CommandOut})
def case_agree(request, case_id: int, payload: ClientIdIn):
    case, _viewer = _visible(request, case_id)
    return _result(
        services.case_confirm_agreement(case=case, by=request.auth, client_id=payload.client_id)
    )


@router.post("/cases/{case_id}/request/answer", response=CaseSummaryOut)
def request_answer(request, case_id: int, payload: AnswerIn):
    case, _viewer = _visible(request, case_id)
    return case_setup.case_answer_request(
        case=case, by=request.auth, accept=payload.accept, reason=payload.reason
    )


class ReceivedIn(Schema):
    received_on: dt.date
    reason: str


@router.post("/cases/{case_id}/request/received", response=CaseSummaryOut)
def request_received(request, case_id: int, payload: ReceivedIn):
    """Union staff record the day the other side received the written request (art. 32)."""
    case, _viewer = _visible(request, case_id)
    return case_setup.case_set_request_received(
        case=case, by=request.auth, received_on=payload.received_on, reason=payload.reason
    )
