"""Consultation on platform rules (writes).

Labour Contract Law art. 4 and the 2021 national guidance (人社部发〔2021〕56号, item (10)):
a platform hears the union and the workers before rules on pay, commission, dispatch and
algorithms, working time, rewards and penalties take effect (see ``rules.py``).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining.consultations import rules, selectors
from bargaining.consultations.models import (
    BARGAINING_TOPIC,
    Answer,
    Comment,
    CommentStatus,
    Consultation,
    Escalation,
    Opinion,
    Position,
    RuleTopic,
    UnionRequest,
    normalise_company,
)
from bargaining.models import AgendaItem, CaseStatus, ItemStatus
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotAllowed

ERR_TOPIC = "invalid_topic"
ERR_REQUIRED = "required"
ERR_DATE = "invalid_date"
ERR_STATE = "wrong_state"
ERR_NOT_OPEN = "consultation_not_open"
ERR_ALREADY = "already_given"
ERR_POSITION = "invalid_position"
ERR_ANSWER = "invalid_answer"
ERR_NOT_FLAGGED = "not_flagged"

MAX_TEXT = 20000
MAX_COMMENT = 2000
MAX_REQUESTS = 20


def _text(value: str, field: str, *, limit: int = MAX_TEXT, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(ERR_REQUIRED, _("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError("too_long", _("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _require_staff(actor, consultation: Consultation) -> None:
    if not selectors.is_union_staff_for(user=actor, consultation=consultation):
        raise NotAllowed(_("Only the union's staff may do this."))


def _require_company(actor, consultation: Consultation) -> None:
    if not selectors.is_company_for(user=actor, consultation=consultation):
        raise NotAllowed(_("Only the company may do this."))


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _open_agenda_item(union, company: str, topic: str) -> AgendaItem | None:
    """An open item of a live bargaining case with this company on the same subject."""
    wanted = normalise_company(company)
    items = AgendaItem.objects.filter(
        case__union=union,
        case__status__in=[CaseStatus.REQUESTED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED],
        topic=BARGAINING_TOPIC[topic],
        status=ItemStatus.OPEN,
    ).select_related("case")
    return next((i for i in items if normalise_company(i.case.employer) == wanted), None)


def consultation_publish(
    *,
    actor,
    company: str,
    union,
    topic: str,
    title: str,
    draft_text: str,
    summary: str,
    planned_effective_on: dt.date,
    now: dt.datetime | None = None,
) -> Consultation:
    """The employer side publishes a draft rule change for the union it deals with."""
    now = now or timezone.now()
    company = _text(company, "company", limit=200)
    if normalise_company(company) not in roles.company_names(actor):
        raise NotAllowed(_("Only the company's own accounts may publish its rules."))
    if topic not in RuleTopic.values:
        raise DomainError(ERR_TOPIC, _("Choose what the rule changes."), field="topic")
    if planned_effective_on <= now.astimezone(rules.SHANGHAI).date():
        raise DomainError(
            ERR_DATE,
            _("The planned effective date must be in the future."),
            field="planned_effective_on",
        )
    return Consultation.objects.create(
        company=company,
        union=union,
        topic=topic,
        title=_text(title, "title", limit=200),
        draft_text=_text(draft_text, "draft_text"),
        summary=_text(summary, "summary", limit=4000),
        planned_effective_on=planned_effective_on,
        published_by=actor,
        published_at=now,
        agenda_item=_open_agenda_item(union, company, topic),
    )


def consultation_open(
    *, actor, consultation: Consultation, closes_at: dt.datetime, now: dt.datetime | None = None
) -> Consultation:
    """The union opens the consultation to its members until ``closes_at``."""
    now = now or timezone.now()
    _require_staff(actor, consultation)
    if closes_at <= now:
        raise DomainError(ERR_DATE, _("The closing time must be in the future."), field="closes_at")
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.opens_at is not None or consultation.effective_on is not None:
            raise Conflict(ERR_STATE, _("This consultation cannot be opened now."))
        consultation.opens_at = now
        consultation.closes_at = closes_at
        consultation.save(update_fields=["opens_at", "closes_at"])
    return consultation


def _require_open_member(member, consultation: Consultation, now) -> None:
    if not selectors.is_covered_member(user=member, consultation=consultation):
        raise NotAllowed(_("Only members of the covered union take part."))
    if selectors.status_of(consultation, now) != rules.OPEN:
        raise Conflict(ERR_NOT_OPEN, _("The consultation is not open."))


def comment_add(
    *, member, consultation: Consultation, text: str, now: dt.datetime | None = None
) -> Comment:
    """A member's comment; published after moderation, under an anonymous label."""
    now = now or timezone.now()
    text = _text(text, "text", limit=MAX_COMMENT)
    _require_open_member(member, consultation, now)
    return Comment.objects.create(consultation=consultation, author=member, text=text)


def comment_moderate(*, actor, comment: Comment, approve: bool) -> Comment:
    _require_staff(actor, comment.consultation)
    comment.status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    comment.moderated_by = actor
    comment.save(update_fields=["status", "moderated_by"])
    return comment


def opinion_give(
    *, member, consultation: Consultation, position: str, now: dt.datetime | None = None
) -> Opinion:
    """One non-binding opinion per member; the database's unique constraint holds it even
    when two requests arrive at once."""
    now = now or timezone.now()
    if position not in Position.values:
        raise DomainError(ERR_POSITION, _("Choose support, oppose or neutral."), field="position")
    _require_open_member(member, consultation, now)
    if Opinion.objects.filter(consultation=consultation, member=member).exists():
        raise Conflict(ERR_ALREADY, _("You have already given your opinion."))
    try:
        with transaction.atomic():
            return Opinion.objects.create(
                consultation=consultation, member=member, position=position
            )
    except IntegrityError as exc:
        raise Conflict(ERR_ALREADY, _("You have already given your opinion.")) from exc


def written_opinion_set(
    *,
    actor,
    consultation: Consultation,
    union_position: str,
    main_points: str,
    requests: list[str],
    now: dt.datetime | None = None,
) -> Consultation:
    """Staff compile the union's written opinion after the close (position and requests)."""
    _require_staff(actor, consultation)
    union_position = _text(union_position, "union_position")
    main_points = _text(main_points, "main_points", required=False)
    cleaned = [r.strip() for r in requests if r and r.strip()]
    if not cleaned:
        raise DomainError(ERR_REQUIRED, _("Add at least one request."), field="requests")
    if len(cleaned) > MAX_REQUESTS:
        raise DomainError("too_many", _("At most %(n)d requests.") % {"n": MAX_REQUESTS})
    with transaction.atomic():
        consultation = _locked(consultation)
        if selectors.status_of(consultation, now) != rules.CLOSED or consultation.opinion_sent_at:
            raise Conflict(ERR_STATE, _("The written opinion is compiled after the close."))
        consultation.union_position = union_position
        consultation.main_points = main_points
        consultation.save(update_fields=["union_position", "main_points"])
        consultation.requests.all().delete()
        UnionRequest.objects.bulk_create(
            UnionRequest(consultation=consultation, number=n, text=_text(text, "requests"))
            for n, text in enumerate(cleaned, start=1)
        )
    return consultation


def written_opinion_send(
    *, actor, consultation: Consultation, now: dt.datetime | None = None
) -> Consultation:
    """Send the written opinion to the company through the platform."""
    now = now or timezone.now()
    _require_staff(actor, consultation)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.opinion_sent_at or not consultation.requests.exists():
            raise Conflict(ERR_STATE, _("Compile the written opinion first."))
        consultation.opinion_sent_at = now
        consultation.save(update_fields=["opinion_sent_at"])
    return consultation


def response_record(
    *,
    actor,
    consultation: Consultation,
    answers: dict[int, tuple[str, str]],
    final_text: str,
    effective_on: dt.date,
    now: dt.datetime | None = None,
) -> Consultation:
    """The company answers each request (accepted / partly / rejected, with reasons) and
    states the final text and effective date."""
    now = now or timezone.now()
    _require_company(actor, consultation)
    final_text = _text(final_text, "final_text")
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.opinion_sent_at is None or consultation.answered_at is not None:
            raise Conflict(ERR_STATE, _("There is no written opinion awaiting an answer."))
        requests = list(consultation.requests.all())
        for request in requests:
            answer, reason = answers.get(request.pk, ("", ""))
            if answer not in Answer.values:
                raise DomainError(
                    ERR_ANSWER, _("Answer every request."), field=f"request_{request.pk}"
                )
            reason = (reason or "").strip()
            if answer != Answer.ACCEPTED and not reason:
                raise DomainError(
                    ERR_REQUIRED,
                    _("Give the reasons when a request is not fully accepted."),
                    field=f"request_{request.pk}",
                )
            request.answer, request.reason = answer, reason
        UnionRequest.objects.bulk_update(requests, ["answer", "reason"])
        consultation.final_text = final_text
        consultation.effective_on = effective_on
        consultation.answered_at = now
        consultation.save(update_fields=["final_text", "effective_on", "answered_at"])
    return consultation


def rule_effective_record(
    *, actor, consultation: Consultation, effective_on: dt.date, final_text: str = ""
) -> Consultation:
    """Record that a rule took effect outside the answer to the union (by the company, or by
    the union's staff when they observe it). The flag follows from the dates."""
    if not (
        selectors.is_company_for(user=actor, consultation=consultation)
        or selectors.is_union_staff_for(user=actor, consultation=consultation)
    ):
        raise NotAllowed(_("Only the company or the union's staff may record this."))
    with transaction.atomic():
        consultation = _locked(consultation)
        consultation.effective_on = effective_on
        if final_text.strip():
            consultation.final_text = _text(final_text, "final_text")
        consultation.save(update_fields=["effective_on", "final_text"])
    return consultation


def escalate(
    *, actor, consultation: Consultation, kind: str, text: str, now: dt.datetime | None = None
) -> Escalation:
    """A flagged rule: a supervision notice to the company, or a request to the labour
    administration to call the company in (约谈)."""
    now = now or timezone.now()
    _require_staff(actor, consultation)
    if kind not in Escalation.Kind.values:
        raise DomainError("invalid_kind", _("Unknown escalation."), field="kind")
    if selectors.flag_of(consultation) is None:
        raise Conflict(ERR_NOT_FLAGGED, _("Only a rule made without consultation is escalated."))
    return Escalation.objects.create(
        consultation=consultation,
        kind=kind,
        text=_text(text, "text"),
        created_by=actor,
        created_at=now,
    )


def escalation_outcome_record(
    *, actor, escalation: Escalation, outcome: str, now: dt.datetime | None = None
) -> Escalation:
    _require_staff(actor, escalation.consultation)
    escalation.outcome = _text(outcome, "outcome")
    escalation.outcome_at = now or timezone.now()
    escalation.save(update_fields=["outcome", "outcome_at"])
    return escalation
