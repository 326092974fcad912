"""Setting a case up: the written request and its answer, the teams of representatives and the
agenda. Same command discipline as services: lock the case, check, write, log the event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining import statutory
from bargaining.models import (
    AgendaItem,
    Case,
    CaseStatus,
    Covers,
    Delegation,
    Representative,
    RepresentativeRole,
    RequestAnswer,
    Side,
    StatutoryCheck,
    Topic,
    ValueKind,
)
from bargaining.selectors import (
    MIN_REPRESENTATIVES,
    case_viewer,
    cases_with_request_due,
)
from bargaining.services import (
    OTHER,
    _can_manage,
    _lock,
    _require_status,
    event_append,
)
from legalaid import holidays
from unionhome.core.errors import Conflict, DomainError, NotAllowed
from unionhome.core.sms import send_sms

# --- the bargaining request ----------------------------------------------------------------


def case_request(
    *,
    union,
    employer: str,
    title: str,
    request_text: str,
    requested_by_side: str = Side.UNION,
    employer_kind: str = "platform",
    region_code: str = "",
    employer_legal_representative: str = "",
    by=None,
    now: dt.datetime | None = None,
) -> Case:
    """Open a case with a written bargaining request; the other side has 20 days to answer."""
    if not title.strip() or not employer.strip():
        raise DomainError("invalid", _("Title and employer are required."))
    if not request_text.strip():
        raise DomainError(
            "request_text_required", _("The written request is required."), field="request_text"
        )
    if requested_by_side not in Side.values:
        raise DomainError("invalid_side", _("Unknown side."), field="requested_by_side")
    now = now or timezone.now()
    received_on = timezone.localtime(now, statutory.SHANGHAI).date()
    with transaction.atomic():
        case = Case.objects.create(
            union=union,
            employer=employer.strip(),
            employer_kind=employer_kind,
            employer_legal_representative=employer_legal_representative.strip()[:100],
            title=title.strip(),
            region_code=region_code or union.region_code,
            request_text=request_text.strip(),
            requested_by_side=requested_by_side,
            requested_at=now,
            # Art. 32: the 20 days run from receipt; until staff record otherwise, the
            # request is taken as received the day it was sent.
            request_received_on=received_on,
            answer_due=_answer_due(received_on),
        )
        case = _lock(case)
        event_append(
            case=case,
            kind="request.sent",
            actor=by,
            payload={
                "side": requested_by_side,
                "text": case.request_text,
                "answer_due": case.answer_due.isoformat(),
            },
        )
    return case


def _answer_due(received_on: dt.date) -> dt.datetime:
    """Collective Contract Provisions art. 32: answer within 20 days of RECEIVING the request;
    a last day that is a day of rest moves to the next working day (Civil Code art. 203)."""
    start = dt.datetime.combine(received_on, dt.time(12), tzinfo=statutory.SHANGHAI)
    return statutory.request_answer_deadline(start, holidays.last_day)


def case_set_request_received(*, case: Case, by, received_on: dt.date, reason: str) -> Case:
    """Staff record the day the other side actually received the written request (art. 32),
    with a reason; the answer deadline moves with it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required", _("Give the reason for the correction."), field="reason"
        )
    with transaction.atomic():
        case = _lock(case)
        if not _can_manage(by, case):
            raise NotAllowed(_("Only the union's staff may correct the receipt date."))
        sent_on = timezone.localtime(case.requested_at, statutory.SHANGHAI).date()
        if received_on < sent_on:
            raise DomainError(
                "invalid_date", _("It cannot be received before it was sent."), field="received_on"
            )
        case.request_received_on = received_on
        case.request_received_note = reason[:500]
        case.answer_due = _answer_due(received_on)
        case.save(update_fields=["request_received_on", "request_received_note", "answer_due"])
        event_append(
            case=case,
            kind="request.received_corrected",
            actor=by,
            payload={
                "received_on": received_on.isoformat(),
                "reason": case.request_received_note,
                "answer_due": case.answer_due.isoformat(),
            },
        )
    return case


def case_answer_request(*, case: Case, by, accept: bool, reason: str = "") -> Case:
    """Record the other side's written answer: accept (talks start) or refuse with a reason."""
    with transaction.atomic():
        case = _lock(case)
        _require_status(case, CaseStatus.REQUESTED)
        viewer = case_viewer(user=by, case=case)
        answering = OTHER[Side(case.requested_by_side)]
        allowed = (viewer.side == answering and viewer.is_chief) or _can_manage(by, case)
        if not allowed:
            raise NotAllowed(_("Only the requested side may answer."), "not_allowed")
        if not accept and not reason.strip():
            raise DomainError("reason_required", _("A refusal needs a reason."), field="reason")
        case.answer = RequestAnswer.ACCEPTED if accept else RequestAnswer.REFUSED
        case.answer_reason = reason.strip()
        case.answered_at = timezone.now()
        case.answered_by = by
        # Art. 32: an answer after the 20 days is recorded, and flagged as late.
        case.answered_late = bool(case.answer_due and case.answered_at > case.answer_due)
        case.status = CaseStatus.ACTIVE if accept else CaseStatus.REFUSED
        case.save(
            update_fields=[
                "answer",
                "answer_reason",
                "answered_at",
                "answered_by",
                "answered_late",
                "status",
            ]
        )
        event_append(
            case=case,
            kind="request.answered",
            actor=by,
            payload={
                "side": answering,
                "accepted": accept,
                "reason": case.answer_reason,
                "late": case.answered_late,
            },
        )
    return case


def case_send_reminders(*, now: dt.datetime | None = None, within_days: int = 5) -> int:
    """Remind both sides of bargaining requests due within ``within_days`` (or overdue)."""
    now = now or timezone.now()
    sent = 0
    for case in cases_with_request_due(now=now, within=dt.timedelta(days=within_days)):
        if case.reminded_at and now - case.reminded_at < dt.timedelta(days=1):
            continue
        due = timezone.localtime(case.answer_due, statutory.SHANGHAI)
        message = _("Bargaining request “%(title)s” must be answered by %(due)s.") % {
            "title": case.title,
            "due": due.strftime("%Y-%m-%d %H:%M"),
        }
        people = {rep.user for rep in case.representatives.filter(active=True)}
        people |= set(case.union.staff.all())
        for person in people:
            phone = getattr(getattr(person, "phone_number", None), "phone", "")
            if phone:
                send_sms(phone, message)
                sent += 1
        with transaction.atomic():
            locked = _lock(case)
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            event_append(
                case=locked,
                kind="request.reminder",
                payload={"answer_due": case.answer_due.isoformat(), "overdue": due < now},
            )
    return sent


# --- representatives and agenda ------------------------------------------------------------


def _person_name(user) -> str:
    return (user.get_full_name() or user.first_name or user.username).strip()


def _chief_warnings_or_delegation(case: Case, side: str, chief, delegation, by) -> list[str]:
    """Collective Contract Provisions art. 20 (the union's chief is its chair unless the chair
    delegates in writing) and art. 21 (the employer's chief is its legal representative or
    someone they delegate in writing). A chief who is neither needs the written delegation,
    which is recorded; with the chair or legal representative unknown, a warning."""
    if side == Side.UNION:
        holder = case.union.chair
        is_holder = holder is not None and holder.pk == chief.pk
        holder_name = _person_name(holder) if holder else ""
        unknown = "chair_unknown"
    else:
        holder_name = case.employer_legal_representative.strip()
        is_holder = bool(holder_name) and holder_name == _person_name(chief)
        unknown = "legal_representative_unknown"
    if is_holder:
        return []
    reference = ((delegation or {}).get("reference") or "").strip()
    if not reference:
        if not holder_name:
            return [unknown]
        raise DomainError(
            "delegation_required",
            _(
                "The chief representative must be %(holder)s, or someone %(holder)s delegates "
                "in writing: give the written delegation (Collective Contract Provisions "
                "arts. 20-21)."
            )
            % {"holder": holder_name},
            field="delegation",
        )
    Delegation.objects.create(
        case=case,
        side=side,
        delegator=((delegation or {}).get("delegator") or holder_name or "-")[:100],
        delegate=chief,
        document_reference=reference[:200],
    )
    return []


@dataclass(frozen=True)
class Team:
    """One side's team as it should be: representatives, the chief among them, outside
    experts (art. 23) and the written delegation of a chief who needs one (arts. 20-21)."""

    users: list
    chief: object
    externals: list = field(default_factory=list)
    delegation: dict | None = None


def representatives_set(
    *,
    case: Case,
    side: str,
    users: list,
    chief,
    by,
    recorder=None,
    externals: list | None = None,
    delegation: dict | None = None,
) -> list[str]:
    """Name one side's representatives (at least 3, one chief). Returns warnings.

    Staff of the case's union enter both sides (the employer notifies its names in writing).
    ``externals`` are outside experts (at most a third of the side, never the chief; art. 23);
    ``delegation`` ({"delegator", "reference"}) records the written delegation of a chief who
    is not the union chair / the employer's legal representative (arts. 20-21). Once talks
    have started, the sides must stay equal in number (art. 19).
    """
    team = Team(users=users, chief=chief, externals=externals or [], delegation=delegation)
    return teams_set(case=case, teams={side: team}, by=by, recorder=recorder)


def _team_check(side: str, team: Team) -> Team:
    """The rules one team must meet on its own (before anything is locked)."""
    if side not in Side.values:
        raise DomainError("invalid_side", _("Unknown side."), field="side")
    users = list(dict.fromkeys(team.users))
    externals = list(dict.fromkeys(team.externals or []))
    chief = team.chief
    if len(users) < MIN_REPRESENTATIVES:
        raise DomainError(
            "too_few_representatives",
            _("Each side needs at least %(n)d representatives.") % {"n": MIN_REPRESENTATIVES},
            field="users",
        )
    if chief not in users:
        raise DomainError("chief_not_representative", _("The chief must be one of them."))
    if any(person not in users for person in externals):
        raise DomainError("invalid", _("Outside experts must be among the representatives."))
    if chief in externals:
        raise DomainError(
            "external_chief",
            _(
                "An outside expert cannot be the chief representative (Collective Contract "
                "Provisions art. 23)."
            ),
            field="chief",
        )
    if len(externals) * 3 > len(users):
        raise DomainError(
            "too_many_externals",
            _(
                "Outside experts may be at most one third of a side's representatives "
                "(Collective Contract Provisions art. 23)."
            ),
            field="externals",
        )
    return Team(users=users, chief=chief, externals=externals, delegation=team.delegation)


def teams_set(*, case: Case, teams: dict, by, recorder=None) -> list[str]:
    """Name one or both sides' teams in one transaction. Returns warnings.

    The rules are checked on the teams as they will be after the change, so both sides can
    grow or shrink together during talks and stay equal in number (art. 19). Each changed
    side appends its own ``representatives.changed`` event, in the same transaction."""
    if not teams:
        raise DomainError("invalid", _("No team was given."))
    teams = {side: _team_check(side, team) for side, team in teams.items()}
    warnings: list[str] = []
    with transaction.atomic():
        case = _lock(case)
        if not _can_manage(by, case):
            raise NotAllowed(_("Only staff of the union may name representatives."))
        if case.status not in (CaseStatus.REQUESTED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
            raise Conflict("case_status", _("Representatives can no longer be changed."))
        final = {
            s: set(
                case.representatives.filter(active=True, side=s).values_list("user_id", flat=True)
            )
            for s in Side.values
        }
        for side, team in teams.items():
            final[side] = {u.pk for u in team.users}
        if final[Side.UNION] & final[Side.EMPLOYER]:
            raise DomainError(
                "both_sides", _("Nobody may represent both sides."), field="users", status=409
            )
        for side in teams:
            other = final[OTHER[Side(side)]]
            if (
                case.status in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED)
                and other
                and len(other) != len(final[side])
            ):
                # Art. 19: equal numbers on both sides, kept whenever a team changes in talks.
                raise Conflict(
                    "unequal_sides",
                    _(
                        "Both sides must have the same number of representatives (Collective "
                        "Contract Provisions art. 19): the other side has %(n)d."
                    )
                    % {"n": len(other)},
                )
        if recorder is not None and recorder.pk in final[Side.UNION] | final[Side.EMPLOYER]:
            raise DomainError(
                "recorder_is_representative", _("The recorder is not a representative.")
            )
        for side, team in teams.items():
            warnings += _team_apply(case, side, team, by)
        if recorder is not None:
            case.recorder = recorder
            case.save(update_fields=["recorder"])
        counts = {s: case.representatives.filter(active=True, side=s).count() for s in Side.values}
        if (
            counts[Side.UNION]
            and counts[Side.EMPLOYER]
            and counts[Side.UNION] != counts[Side.EMPLOYER]
        ):
            warnings.append("unequal_sides")
    return warnings


def _team_apply(case: Case, side: str, team: Team, by) -> list[str]:
    """Write one side's team and its event (inside ``teams_set``'s transaction)."""
    warnings = []
    chief = team.chief
    current_chief = case.chief(side)
    if current_chief is None or current_chief.pk != chief.pk:
        warnings += _chief_warnings_or_delegation(case, side, chief, team.delegation, by)
    current = {r.user_id: r for r in case.representatives.filter(active=True, side=side)}
    wanted = {u.pk: u for u in team.users}
    external_ids = {u.pk for u in team.externals}
    now = timezone.now()
    removed = [uid for uid in current if uid not in wanted]
    Representative.objects.filter(pk__in=[current[uid].pk for uid in removed]).update(
        active=False, removed_at=now
    )
    # Demote the chief first so the one-chief constraint holds at every step.
    Representative.objects.filter(
        case=case, side=side, active=True, role=RepresentativeRole.CHIEF
    ).exclude(user=chief).update(role=RepresentativeRole.MEMBER)
    for uid, user in wanted.items():
        role = RepresentativeRole.CHIEF if user == chief else RepresentativeRole.MEMBER
        external = uid in external_ids
        if uid in current:
            if (current[uid].role, current[uid].external) != (role, external):
                Representative.objects.filter(pk=current[uid].pk).update(
                    role=role, external=external
                )
        else:
            Representative.objects.create(
                case=case, side=side, user=user, role=role, external=external
            )
    event_append(
        case=case,
        kind="representatives.changed",
        actor=by,
        payload={
            "side": side,
            "added": [
                u.get_full_name() or u.username for uid, u in wanted.items() if uid not in current
            ],
            "removed": [
                current[uid].user.get_full_name() or current[uid].user.username for uid in removed
            ],
            "chief": chief.get_full_name() or chief.username,
            "delegation": (team.delegation or {}).get("reference", ""),
            "warnings": warnings,
        },
    )
    return warnings


def _item_check(
    *, topic: str, value_kind: str, statutory_check: str, title: str, covers: str = "all"
) -> None:
    if topic not in Topic.values:
        raise DomainError("invalid_topic", _("Unknown topic."), field="topic")
    if value_kind not in ValueKind.values:
        raise DomainError("invalid_kind", _("Unknown kind of value."), field="value_kind")
    if statutory_check not in StatutoryCheck.values:
        raise DomainError("invalid_check", _("Unknown statutory check."), field="statutory_check")
    if covers not in Covers.values:
        raise DomainError("invalid_covers", _("Unknown group of workers."), field="covers")
    if not title.strip():
        raise DomainError("invalid", _("A title is required."), field="title")


def _require_item_editor(case: Case, by) -> None:
    """The caller holds the case lock: union staff, or a chief while the case is not agreed."""
    viewer = case_viewer(user=by, case=case)
    if not (viewer.is_chief or _can_manage(by, case)):
        raise NotAllowed(_("Only a chief or the union's staff may add items."))
    _require_status(case, CaseStatus.REQUESTED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED)


def item_add(
    *,
    case: Case,
    by,
    topic: str,
    title: str,
    value_kind: str,
    unit: str = "",
    title_en: str = "",
    unit_en: str = "",
    statutory_check: str = "",
    expected_per_hour: Decimal | None = None,
    throughput_sample: list | None = None,
    covers: str = "all",
    break_after_hours: Decimal | None = None,
    compensatory_rest: bool = False,
    description: str = "",
    position: int | None = None,
) -> AgendaItem:
    """Put an item on the agenda (union staff, or a chief while the case is not agreed)."""
    _item_check(
        topic=topic,
        value_kind=value_kind,
        statutory_check=statutory_check,
        title=title,
        covers=covers,
    )
    with transaction.atomic():
        case = _lock(case)
        _require_item_editor(case, by)
        item = AgendaItem.objects.create(
            case=case,
            topic=topic,
            title=title.strip(),
            title_en=title_en.strip(),
            description=description.strip(),
            value_kind=value_kind,
            unit=unit.strip(),
            unit_en=unit_en.strip(),
            statutory_check=statutory_check,
            expected_per_hour=expected_per_hour,
            throughput_sample=[str(v) for v in (throughput_sample or [])],
            covers=covers,
            break_after_hours=break_after_hours,
            compensatory_rest=compensatory_rest,
            position=position or case.items.count() + 1,
        )
        event_append(
            case=case,
            kind="item.added",
            actor=by,
            payload={
                "item": item.pk,
                "topic": topic,
                "title": item.title,
                "unit": item.unit,
                "value_kind": value_kind,
            },
        )
    return item


def item_set_throughput(*, item: AgendaItem, by, csv_text: str) -> int:
    """Replace the anonymised throughput sample of a quota item from CSV (union staff)."""
    if not _can_manage(by, item.case):
        raise NotAllowed(_("Only the union's staff may upload throughput data."))
    try:
        values = statutory.parse_throughput_csv(csv_text)
    except ValueError:
        raise DomainError("invalid_csv", _("Throughput must be non-negative numbers.")) from None
    if not values:
        raise DomainError("invalid_csv", _("The file holds no throughput figures."))
    with transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(throughput_sample=[str(v) for v in values])
    item.throughput_sample = [str(v) for v in values]
    return len(values)
