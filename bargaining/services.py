"""Writes for bargaining. Every command: lock the case row, check, write, append to the event
log (seq assigned under the lock) and broadcast on commit (bargaining.events).

Legal floors: an offer that breaks a floor is ACCEPTED and recorded, with its findings shown to
both sides (the minutes must show what each side actually proposed). Agreement on such a value
is REFUSED unless a chief gives an explicit override reason, which is recorded in the log
(event ``item.tentative`` with ``override``) and on the item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bargaining import events, statutory
from bargaining.legal_sources import source_dict
from bargaining.minutes import finding_text
from bargaining.models import (
    NUMERIC_KINDS,
    AgendaItem,
    Audience,
    Case,
    CaseStatus,
    CommandReceipt,
    Event,
    ItemStatus,
    Offer,
    Round,
    RoundStatus,
    Side,
    StatutoryCheck,
    ValueKind,
)
from bargaining.selectors import (
    CAUCUS_OF,
    Viewer,
    case_team_problems,
    case_viewer,
    minimum_wage_for,
    round_current,
    standing_offer,
)
from legalaid import holidays
from unionhome.core import bilingual, roles
from unionhome.core.errors import Conflict, DomainError, NotAllowed, NotFound
from unionhome.core.text import clean_text

MAX_CHAT_LENGTH = 2000
MAX_NOTE_LENGTH = 2000
MAX_TEXT_VALUE_LENGTH = 2000
OTHER = {Side.UNION: Side.EMPLOYER, Side.EMPLOYER: Side.UNION}


@dataclass(frozen=True)
class CommandResult:
    seq: int
    repeated: bool = False
    event: Event | None = None


# --- helpers -------------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    """Lock the case row: serialises commands per case, so seq is gap-free and ordered."""
    return Case.objects.select_for_update().get(pk=case.pk)


def event_append(
    *,
    case: Case,
    kind: str,
    actor=None,
    audience: str = Audience.TABLE,
    round: Round | None = None,
    payload: dict | None = None,
) -> Event:
    """Append to the log. The caller holds the case row lock (``_lock``) in a transaction."""
    case.last_seq += 1
    Case.objects.filter(pk=case.pk).update(last_seq=case.last_seq)
    event = Event.objects.create(
        case=case,
        seq=case.last_seq,
        kind=kind,
        audience=audience,
        actor=actor,
        round=round,
        payload=payload or {},
    )
    events.publish(event)
    return event


def _run(
    *, case: Case, user, client_id: str, body: Callable[[Case, Viewer], Event]
) -> CommandResult:
    """Run one command: idempotent by (user, client_id), permissions re-read under the lock."""
    client_id = (client_id or "").strip()
    if len(client_id) > 64:
        raise DomainError("invalid_client_id", _("client_id is too long."), field="client_id")
    try:
        with transaction.atomic():
            locked = _lock(case)
            if client_id:
                receipt = CommandReceipt.objects.filter(user=user, client_id=client_id).first()
                if receipt is not None:
                    if receipt.case_id != locked.pk:
                        raise Conflict("client_id_reused", _("This client_id was used elsewhere."))
                    return CommandResult(seq=receipt.seq, repeated=True)
            viewer = case_viewer(user=user, case=locked)
            if not viewer.can_see:
                raise NotFound(_("No such bargaining case."))
            event = body(locked, viewer)
            if client_id:
                CommandReceipt.objects.create(
                    user=user, client_id=client_id, case=locked, seq=event.seq
                )
            return CommandResult(seq=event.seq, event=event)
    except IntegrityError:
        # Two sockets sent the same client_id at once: the loser repeats the winner's ack.
        receipt = CommandReceipt.objects.filter(user=user, client_id=client_id).first()
        if client_id and receipt is not None:
            return CommandResult(seq=receipt.seq, repeated=True)
        raise


def _require_representative(viewer: Viewer) -> str:
    if not viewer.is_representative:
        raise NotAllowed(_("Only the representatives of a side may do this."), "not_representative")
    return viewer.side


def _require_chief(viewer: Viewer) -> str:
    side = _require_representative(viewer)
    if not viewer.is_chief:
        raise NotAllowed(_("Only a chief representative may do this."), "not_chief")
    return side


def _require_status(case: Case, *statuses: str) -> None:
    if case.status not in statuses:
        raise Conflict(
            "case_status",
            _("Not possible while the case is %(status)s.") % {"status": case.get_status_display()},
        )


def _item(case: Case, item_id) -> AgendaItem:
    try:
        return AgendaItem.objects.select_for_update().get(case=case, pk=int(item_id))
    except (AgendaItem.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such agenda item."), "unknown_item") from None


def _can_manage(user, case: Case) -> bool:
    return roles.is_union_staff(user, case.union_id)


def value_normalize(item: AgendaItem, value):
    """The canonical stored form of an offered value, or DomainError for the wrong kind."""
    if item.value_kind in NUMERIC_KINDS:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise DomainError("invalid_value", _("A number is required."), field="value")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise DomainError("invalid_value", _("A number is required."), field="value") from None
        if not number.is_finite() or number < 0 or number >= Decimal("1e9"):
            raise DomainError("invalid_value", _("The number is out of range."), field="value")
        return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if item.value_kind == ValueKind.BOOLEAN:
        if not isinstance(value, bool):
            raise DomainError("invalid_value", _("Yes or no is required."), field="value")
        return value
    if not isinstance(value, str) or not value.strip():
        raise DomainError("invalid_value", _("A text is required."), field="value")
    if len(value) > MAX_TEXT_VALUE_LENGTH:
        raise DomainError("invalid_value", _("The text is too long."), field="value")
    return value.strip()


def value_display(item: AgendaItem, value) -> str:
    if value is None:
        return ""
    if item.value_kind == ValueKind.BOOLEAN:
        return pgettext("yes/no value", "Yes") if value else pgettext("yes/no value", "No")
    if item.value_kind in NUMERIC_KINDS:
        number = Decimal(str(value)).normalize()
        text = f"{number:f}"
        # The unit in the active language (元/单 -> yuan/order on English pages).
        unit = bilingual.unit_for(item.unit, getattr(item, "unit_en", ""))
        return f"{text} {unit}".strip()
    return str(value)


def item_floors(item: AgendaItem, case: Case) -> statutory.Floors:
    wage = minimum_wage_for(region_code=case.region_code or case.union.region_code)
    return statutory.Floors(
        hourly_minimum=wage.hourly if wage else None,
        monthly_minimum=wage.monthly if wage else None,
        expected_per_hour=item.expected_per_hour,
        throughput_sample=tuple(Decimal(str(v)) for v in item.throughput_sample or ()),
        covers=item.covers,
        break_after_hours=item.break_after_hours,
        compensatory_rest=item.compensatory_rest,
        statutory_holidays=_coming_statutory_holidays()
        if item.statutory_check == StatutoryCheck.HOLIDAY_MULTIPLE
        else (),
    )


def _coming_statutory_holidays() -> tuple:
    """The statutory holidays of the next twelve months, from the official calendar."""
    today = timezone.localdate()
    days = holidays.statutory_holidays(today, today + dt.timedelta(days=365))
    return tuple(day for day, _name in days)


def offer_check(*, item: AgendaItem, case: Case, value) -> list[statutory.Finding]:
    """The statutory findings of a (canonical) value on an item."""
    if not item.statutory_check:
        return []
    return statutory.check(item.statutory_check, value, item_floors(item, case))


def item_bound(*, item: AgendaItem, case: Case) -> statutory.Bound | None:
    """The legal bound of an item in its unit (for warnings while typing and the chart)."""
    if not item.statutory_check:
        return None
    return statutory.bound_for(item.statutory_check, item_floors(item, case))


# --- rounds --------------------------------------------------------------------------------


def round_open(*, case: Case, by, client_id: str = "") -> CommandResult:
    """Open the next round; chaired by the chiefs in turn (the union chairs odd rounds)."""

    def body(case: Case, viewer: Viewer) -> Event:
        _require_chief(viewer)
        _require_status(case, CaseStatus.ACTIVE)
        if round_current(case=case):
            raise Conflict("round_open", _("A round is already open."))
        problems = case_team_problems(case)
        if problems:
            raise Conflict(
                problems[0], _("The teams are not complete: %(p)s.") % {"p": ", ".join(problems)}
            )
        number = (case.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        chair = Side.UNION if number % 2 else Side.EMPLOYER
        new_round = Round.objects.create(case=case, number=number, chair_side=chair)
        return event_append(
            case=case,
            kind="round.opened",
            actor=by,
            round=new_round,
            payload={"number": number, "chair_side": chair},
        )

    return _run(case=case, user=by, client_id=client_id, body=body)


def round_close(*, case: Case, by, client_id: str = "") -> CommandResult:
    """Close the open round: only the chief of the chairing side."""

    def body(case: Case, viewer: Viewer) -> Event:
        side = _require_chief(viewer)
        current = round_current(case=case)
        if current is None:
            raise Conflict("no_open_round", _("No round is open."))
        if current.chair_side != side:
            raise NotAllowed(_("Only the chairing chief may close the round."), "not_chair")
        current.status = RoundStatus.CLOSED
        current.closed_at = timezone.now()
        current.closed_by = by
        current.save(update_fields=["status", "closed_at", "closed_by"])
        return event_append(
            case=case,
            kind="round.closed",
            actor=by,
            round=current,
            payload={"number": current.number},
        )

    return _run(case=case, user=by, client_id=client_id, body=body)


# --- offers and agreement ------------------------------------------------------------------


def _findings_payload(findings) -> list[dict]:
    """Findings as stored and sent: with the sentence (``detail``) and the cited article."""
    return [
        {**f.as_dict(), "detail": finding_text(f.as_dict()), **source_dict(f.source)}
        for f in findings
    ]


def _mark_tentative(
    case: Case, item: AgendaItem, offer: Offer, by, override: str, cause: str
) -> Event:
    item.status = ItemStatus.TENTATIVE
    item.agreed_value = offer.value
    item.agreed_text = value_display(item, offer.value)[:500]
    item.agreed_offer = offer
    item.agreed_override = override
    item.save(
        update_fields=["status", "agreed_value", "agreed_text", "agreed_offer", "agreed_override"]
    )
    _reset_confirmations(case)
    return event_append(
        case=case,
        kind="item.tentative",
        actor=by,
        round=offer.round,
        payload={
            "item": item.pk,
            "value": offer.value,
            "display": item.agreed_text,
            "cause": cause,
            "override": override,
            "findings": offer.findings,
        },
    )


def _reset_confirmations(case: Case) -> None:
    if case.union_confirmed_at or case.employer_confirmed_at:
        case.union_confirmed_at = case.employer_confirmed_at = None
        case.save(update_fields=["union_confirmed_at", "employer_confirmed_at"])


def offer_submit(
    *, case: Case, by, item_id, value, note: str = "", client_id: str = ""
) -> CommandResult:
    """A side's offer on an open item in the open round. Floor breaches are flagged, not
    refused; equal standing offers make the item tentatively agreed (unless a floor breaks)."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise DomainError("invalid_note", _("The note is too long."), field="note")

    def body(case: Case, viewer: Viewer) -> Event:
        side = _require_representative(viewer)
        _require_status(case, CaseStatus.ACTIVE)
        current = round_current(case=case)
        if current is None:
            raise Conflict("no_open_round", _("No round is open."))
        item = _item(case, item_id)
        if item.status != ItemStatus.OPEN:
            raise Conflict("item_not_open", _("This item is already agreed."))
        canonical = value_normalize(item, value)
        findings = offer_check(item=item, case=case, value=canonical)
        breaks = statutory.breaks_floor(findings)
        offer = Offer.objects.create(
            item=item,
            round=current,
            side=side,
            value=canonical,
            note=note,
            by=by,
            findings=_findings_payload(findings),
            breaks_floor=breaks,
        )
        event = event_append(
            case=case,
            kind="offer",
            actor=by,
            round=current,
            payload={
                "item": item.pk,
                "offer": offer.pk,
                "side": side,
                "value": canonical,
                "display": value_display(item, canonical),
                "note": note,
                "findings": offer.findings,
                "breaks_floor": breaks,
            },
        )
        other = standing_offer(item=item, side=OTHER[Side(side)])
        if other is not None and other.value == canonical and not breaks:
            event = _mark_tentative(case, item, offer, by, "", "equal_offers")
        return event

    return _run(case=case, user=by, client_id=client_id, body=body)


def item_accept(
    *, case: Case, by, item_id, override: str = "", client_id: str = ""
) -> CommandResult:
    """Accept the other side's standing offer. A value below a legal floor needs a chief's
    explicit override reason, which the log records."""
    reason = (override or "").strip()

    def body(case: Case, viewer: Viewer) -> Event:
        override = reason
        side = _require_representative(viewer)
        _require_status(case, CaseStatus.ACTIVE)
        item = _item(case, item_id)
        if item.status != ItemStatus.OPEN:
            raise Conflict("item_not_open", _("This item is already agreed."))
        offer = standing_offer(item=item, side=OTHER[Side(side)])
        if offer is None:
            raise Conflict("no_offer", _("The other side has made no offer on this item."))
        # Re-check against today's floors (the table may have changed since the offer).
        findings = offer_check(item=item, case=case, value=offer.value)
        if statutory.breaks_floor(findings):
            if not override:
                raise DomainError(
                    "floor_override_required",
                    _("This value breaks a legal floor; a chief must give a reason to override."),
                    status=409,
                )
            if not viewer.is_chief:
                raise NotAllowed(_("Only a chief may override a legal floor."), "not_chief")
        else:
            override = ""
        return _mark_tentative(case, item, offer, by, override, "accepted")

    return _run(case=case, user=by, client_id=client_id, body=body)


def item_reopen(*, case: Case, by, item_id, client_id: str = "") -> CommandResult:
    """A chief reopens a tentatively agreed item (before the case is agreed)."""

    def body(case: Case, viewer: Viewer) -> Event:
        _require_chief(viewer)
        _require_status(case, CaseStatus.ACTIVE, CaseStatus.SUSPENDED)
        item = _item(case, item_id)
        if item.status != ItemStatus.TENTATIVE:
            raise Conflict("item_not_tentative", _("This item is not tentatively agreed."))
        item.status = ItemStatus.OPEN
        item.agreed_value = None
        item.agreed_text = ""
        item.agreed_offer = None
        item.agreed_override = ""
        item.save(
            update_fields=[
                "status",
                "agreed_value",
                "agreed_text",
                "agreed_offer",
                "agreed_override",
            ]
        )
        _reset_confirmations(case)
        return event_append(
            case=case,
            kind="item.reopened",
            actor=by,
            round=round_current(case=case),
            payload={"item": item.pk},
        )

    return _run(case=case, user=by, client_id=client_id, body=body)


# --- chat ----------------------------------------------------------------------------------


def chat_send(*, case: Case, by, room: str, text: str, client_id: str = "") -> CommandResult:
    """A chat line at the table (everyone) or in the sender's side caucus (that side only)."""
    text = clean_text(text).strip() if isinstance(text, str) else None
    if not text:
        raise DomainError("invalid_text", _("The message is empty."), field="text")
    if len(text) > MAX_CHAT_LENGTH:
        raise DomainError("invalid_text", _("The message is too long."), field="text")
    if room not in ("table", "caucus"):
        raise DomainError("invalid_room", _("Unknown room."), field="room")

    def body(case: Case, viewer: Viewer) -> Event:
        side = _require_representative(viewer)
        _require_status(case, CaseStatus.ACTIVE, CaseStatus.SUSPENDED)
        audience = Audience.TABLE if room == "table" else CAUCUS_OF[Side(side)]
        return event_append(
            case=case,
            kind="chat",
            actor=by,
            audience=audience,
            round=round_current(case=case),
            payload={"room": room, "side": side, "text": text},
        )

    return _run(case=case, user=by, client_id=client_id, body=body)


# --- suspension and agreement ---------------------------------------------------------------


def case_suspend(
    *, case: Case, by, next_meeting_at: dt.datetime, reason: str = "", client_id: str = ""
) -> CommandResult:
    """Talks are suspended by agreement: one chief proposes, the other chief confirms."""
    if next_meeting_at is None or timezone.is_naive(next_meeting_at):
        raise DomainError(
            "invalid_date", _("A next meeting date is required."), field="next_meeting_at"
        )

    def body(case: Case, viewer: Viewer) -> Event:
        side = _require_chief(viewer)
        _require_status(case, CaseStatus.ACTIVE)
        if next_meeting_at <= timezone.now():
            raise DomainError("invalid_date", _("The next meeting must be in the future."))
        proposer = case.suspension_proposed_by
        if not proposer or proposer == side:
            case.suspension_proposed_by = side
            case.next_meeting_at = next_meeting_at
            case.save(update_fields=["suspension_proposed_by", "next_meeting_at"])
            return event_append(
                case=case,
                kind="suspension.proposed",
                actor=by,
                payload={
                    "side": side,
                    "next_meeting_at": next_meeting_at.isoformat(),
                    "reason": reason,
                },
            )
        current = round_current(case=case)
        if current is not None:
            current.status = RoundStatus.CLOSED
            current.closed_at = timezone.now()
            current.closed_by = by
            current.save(update_fields=["status", "closed_at", "closed_by"])
        case.status = CaseStatus.SUSPENDED
        case.suspension_proposed_by = ""
        case.next_meeting_at = next_meeting_at
        case.save(update_fields=["status", "suspension_proposed_by", "next_meeting_at"])
        return event_append(
            case=case,
            kind="case.suspended",
            actor=by,
            payload={"next_meeting_at": next_meeting_at.isoformat(), "reason": reason},
        )

    return _run(case=case, user=by, client_id=client_id, body=body)


def case_resume(*, case: Case, by, client_id: str = "") -> CommandResult:
    """A chief resumes suspended talks."""

    def body(case: Case, viewer: Viewer) -> Event:
        _require_chief(viewer)
        _require_status(case, CaseStatus.SUSPENDED)
        case.status = CaseStatus.ACTIVE
        case.save(update_fields=["status"])
        return event_append(case=case, kind="case.resumed", actor=by, payload={})

    return _run(case=case, user=by, client_id=client_id, body=body)


def case_confirm_agreement(*, case: Case, by, client_id: str = "") -> CommandResult:
    """Each chief confirms once every item is tentatively agreed; the second makes it agreed."""

    def body(case: Case, viewer: Viewer) -> Event:
        side = _require_chief(viewer)
        _require_status(case, CaseStatus.ACTIVE)
        items = list(case.items.all())
        if not items:
            raise Conflict("no_items", _("The agenda is empty."))
        if any(i.status != ItemStatus.TENTATIVE for i in items):
            raise Conflict("items_open", _("Every item must be tentatively agreed first."))
        now = timezone.now()
        field = "union_confirmed_at" if side == Side.UNION else "employer_confirmed_at"
        setattr(case, field, now)
        case.save(update_fields=[field])
        if not (case.union_confirmed_at and case.employer_confirmed_at):
            return event_append(
                case=case, kind="agreement.confirmed", actor=by, payload={"side": side}
            )
        current = round_current(case=case)
        if current is not None:
            current.status = RoundStatus.CLOSED
            current.closed_at = now
            current.closed_by = by
            current.save(update_fields=["status", "closed_at", "closed_by"])
        AgendaItem.objects.filter(case=case).update(status=ItemStatus.AGREED)
        case.status = CaseStatus.AGREED
        case.agreed_at = now
        case.save(update_fields=["status", "agreed_at"])
        return event_append(
            case=case,
            kind="case.agreed",
            actor=by,
            payload={"items": {str(i.pk): i.agreed_text for i in items}},
        )

    return _run(case=case, user=by, client_id=client_id, body=body)
