"""Reads of consultations: who may see and do what, the counts, the public timeline."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining.consultations import rules
from bargaining.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    Position,
    normalise_company,
)
from bargaining.models import Case
from unionhome.core import roles
from unionhome.core.errors import Conflict, NotFound

ERR_NOT_CLOSED = "not_closed"


def status_of(consultation: Consultation, now: dt.datetime | None = None) -> str:
    return rules.status(
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        answered_at=consultation.answered_at,
        now=now or timezone.now(),
    )


def flag_of(consultation: Consultation) -> str | None:
    return rules.democratic_flag(
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        effective_on=consultation.effective_on,
    )


def is_union_staff_for(*, user, consultation: Consultation) -> bool:
    return consultation.union_id in roles.staffed_union_ids(user)


def is_company_for(*, user, consultation: Consultation) -> bool:
    return normalise_company(consultation.company) in roles.company_names(user)


def covered_union_ids(user) -> set[int]:
    """The unions whose consultations a member takes part in: theirs and those above it
    (a consultation opened by an industry union covers its member unions' members)."""
    membership = roles.active_membership(user)
    if membership is None:
        return set()
    return {membership.union_id, *(u.pk for u in membership.union.ancestors())}


def is_covered_member(*, user, consultation: Consultation) -> bool:
    return consultation.union_id in covered_union_ids(user)


def viewer_role(*, user, consultation: Consultation) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if is_union_staff_for(user=user, consultation=consultation):
        return "staff"
    if is_company_for(user=user, consultation=consultation):
        return "company"
    if is_covered_member(user=user, consultation=consultation):
        # Members see a consultation once the union opened it.
        return "member" if consultation.opens_at is not None else None
    return None


def consultation_get(*, user, consultation_id: int) -> tuple[Consultation, str]:
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    role = viewer_role(user=user, consultation=consultation) if consultation else None
    if role is None:
        raise NotFound(_("Consultation not found."))
    return consultation, role


def consultations_visible(user) -> list[Consultation]:
    if not getattr(user, "is_authenticated", False):
        return []
    staffed = roles.staffed_union_ids(user)
    companies = roles.company_names(user)
    covered = covered_union_ids(user)
    qs = Consultation.objects.filter(
        Q(union_id__in=staffed) | Q(union_id__in=covered, opens_at__isnull=False)
    )
    found = list(qs)
    if companies:
        seen = {c.pk for c in found}
        found += [
            c
            for c in Consultation.objects.exclude(pk__in=seen)
            if normalise_company(c.company) in companies
        ]
    return sorted(found, key=lambda c: (c.published_at, c.pk), reverse=True)


def counts(consultation: Consultation) -> dict[str, int]:
    rows = dict(consultation.opinions.values_list("position").annotate(n=Count("id")).order_by())
    out = {position: rows.get(position, 0) for position in Position.values}
    out["total"] = sum(out.values())
    return out


def results(consultation: Consultation, now: dt.datetime | None = None) -> dict[str, int]:
    """The opinion counts, shown only after the close (so they do not sway the opinions)."""
    if status_of(consultation, now) in (rules.DRAFT, rules.OPEN):
        raise Conflict(ERR_NOT_CLOSED, _("The results are shown after the consultation closes."))
    return counts(consultation)


def comments_public(consultation: Consultation) -> list[dict]:
    """Published comments, anonymised: each author is "Member N" by order of first comment."""
    numbers: dict[int, int] = {}
    for author_id in consultation.comments.order_by("created_at", "id").values_list(
        "author_id", flat=True
    ):
        numbers.setdefault(author_id, len(numbers) + 1)
    return [
        {
            "id": c.pk,
            "author": _("Member %(n)d") % {"n": numbers[c.author_id]},
            "text": c.text,
            "created_at": c.created_at,
        }
        for c in consultation.comments.filter(status=CommentStatus.APPROVED)
    ]


def comments_pending(consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.filter(status=CommentStatus.PENDING)


def timeline(consultation: Consultation) -> list[tuple[dt.datetime | dt.date, str]]:
    """The public history members see: what happened, when."""
    c = consultation
    entries: list[tuple[dt.datetime | dt.date, str]] = [
        (c.published_at, _("The company published the draft rule."))
    ]
    if c.opens_at:
        entries.append((c.opens_at, _("The union opened the consultation.")))
        entries.append((c.closes_at, _("The consultation closes.")))
    if c.opinion_sent_at:
        entries.append((c.opinion_sent_at, _("The union sent its written opinion.")))
    if c.answered_at:
        entries.append((c.answered_at, _("The company answered the union's requests.")))
    if c.effective_on:
        entries.append((c.effective_on, _("The rule took effect.")))
    for escalation in c.escalations.all():
        entries.append((escalation.created_at, escalation.get_kind_display()))
        if escalation.outcome_at:
            entries.append((escalation.outcome_at, escalation.outcome))

    def key(entry):
        when = entry[0]
        if isinstance(when, dt.datetime):
            return when
        return dt.datetime.combine(when, dt.time(0), tzinfo=rules.SHANGHAI)

    return sorted(entries, key=key)


def union_for_company(company: str):
    """The union a company bargains with (the union of its latest bargaining case)."""
    wanted = normalise_company(company)
    for case in Case.objects.select_related("union").order_by("-created_at"):
        if normalise_company(case.employer) == wanted:
            return case.union
    return None
