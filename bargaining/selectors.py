"""Reads for bargaining: who may see a case and in what role, the visible events, positions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining.models import (
    Audience,
    Case,
    Event,
    MinimumWage,
    Offer,
    RepresentativeRole,
    Round,
    RoundStatus,
    Side,
)
from unionhome import roles
from unionhome.errors import NotFound

CAUCUS_OF = {Side.UNION: Audience.UNION_CAUCUS, Side.EMPLOYER: Audience.EMPLOYER_CAUCUS}


@dataclass(frozen=True)
class Viewer:
    """What one user is in one case."""

    user_id: int
    side: str | None = None
    is_chief: bool = False
    is_recorder: bool = False
    is_observer: bool = False

    @property
    def is_representative(self) -> bool:
        return self.side is not None

    @property
    def can_see(self) -> bool:
        return self.is_representative or self.is_recorder or self.is_observer

    @property
    def audiences(self) -> frozenset[str]:
        if not self.can_see:
            return frozenset()
        if self.side:
            return frozenset({Audience.TABLE.value, CAUCUS_OF[self.side].value})
        return frozenset({Audience.TABLE.value})


def case_viewer(*, user, case: Case) -> Viewer:
    """The user's role in the case (representatives act; recorder and staff only read)."""
    if not getattr(user, "is_authenticated", False):
        return Viewer(user_id=0)
    rep = case.representatives.filter(user=user, active=True).first()
    is_recorder = case.recorder_id == user.pk
    if rep is not None:
        return Viewer(
            user_id=user.pk,
            side=rep.side,
            is_chief=rep.role == RepresentativeRole.CHIEF,
            is_recorder=is_recorder,
        )
    observer = case.union_id in roles.staffed_union_ids(user)
    return Viewer(user_id=user.pk, is_recorder=is_recorder, is_observer=observer)


def cases_visible(*, user) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    condition = Q(representatives__user=user, representatives__active=True) | Q(recorder=user)
    staffed = roles.staffed_union_ids(user)
    if staffed:
        condition |= Q(union_id__in=staffed)
    return Case.objects.filter(condition).distinct().select_related("union")


def case_get_visible(*, user, case_id) -> tuple[Case, Viewer]:
    """The case and the user's role in it; NotFound if the user may not see it."""
    try:
        case = Case.objects.select_related("union").get(pk=int(case_id))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such bargaining case.")) from None
    viewer = case_viewer(user=user, case=case)
    if not viewer.can_see:
        raise NotFound(_("No such bargaining case."))
    return case, viewer


def events_visible(*, case: Case, viewer: Viewer, after: int = 0, limit: int | None = None):
    qs = (
        Event.objects.filter(case=case, seq__gt=after, audience__in=viewer.audiences)
        .select_related("actor", "round")
        .order_by("seq")
    )
    return qs[:limit] if limit else qs


def minimum_wage_for(*, region_code: str, on: dt.date | None = None) -> MinimumWage | None:
    """The minimum wage in force in the region on the day (falls back to the parent codes:
    a district 310115 uses the city 310000 if it has no row of its own)."""
    if not region_code:
        return None
    on = on or timezone.localdate()
    candidates = [region_code]
    if len(region_code) == 6:
        candidates += [region_code[:4] + "00", region_code[:2] + "0000"]
    for code in dict.fromkeys(candidates):
        row = (
            MinimumWage.objects.filter(region_code=code, effective_from__lte=on)
            .order_by("-effective_from")
            .first()
        )
        if row:
            return row
    return None


def round_current(*, case: Case) -> Round | None:
    return case.rounds.filter(status=RoundStatus.OPEN).first()


def standing_offer(*, item, side: str) -> Offer | None:
    return item.offers.filter(side=side).order_by("-id").first()


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except Exception:
        return None


@dataclass
class ItemView:
    item: object
    union: Offer | None
    employer: Offer | None
    gap: Decimal | None
    history: list[dict]


def item_positions(*, case: Case) -> list[ItemView]:
    """Per item: both sides' standing offers, the gap, and each side's last position per
    round (the data of the convergence chart)."""
    items = list(case.items.all())
    offers = list(
        Offer.objects.filter(item__case=case).select_related("round", "by").order_by("id")
    )
    by_item: dict[int, list[Offer]] = {}
    for offer in offers:
        by_item.setdefault(offer.item_id, []).append(offer)
    views = []
    for item in items:
        item_offers = by_item.get(item.pk, [])
        latest: dict[str, Offer] = {}
        per_round: dict[int, dict] = {}
        for offer in item_offers:
            latest[offer.side] = offer
            row = per_round.setdefault(offer.round.number, {"round": offer.round.number})
            row[offer.side] = offer.value
        union, employer = latest.get(Side.UNION), latest.get(Side.EMPLOYER)
        gap = None
        if union and employer:
            a, b = _number(union.value), _number(employer.value)
            if a is not None and b is not None:
                gap = abs(a - b)
        history = [per_round[k] for k in sorted(per_round)]
        views.append(ItemView(item, union, employer, gap, history))
    return views


def convergence_svg(*, history: list[dict], width: int = 320, height: int = 120) -> str:
    """A small line chart of each side's position per round (server-side SVG, no script)."""
    points = {Side.UNION.value: [], Side.EMPLOYER.value: []}
    for row in history:
        for side in points:
            number = _number(row.get(side))
            if number is not None:
                points[side].append((row["round"], float(number)))
    values = [v for series in points.values() for _, v in series]
    rounds = [r["round"] for r in history]
    if not values or not rounds:
        return ""
    pad = 16
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    first, last = min(rounds), max(rounds)
    span = max(last - first, 1)

    def x(r):
        return pad + (r - first) * (width - 2 * pad) / span

    def y(v):
        return height - pad - (v - low) * (height - 2 * pad) / (high - low)

    colours = {Side.UNION.value: "#c0392b", Side.EMPLOYER.value: "#2c3e50"}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="convergence" role="img" aria-label="{_("Positions per round")}">'
    ]
    for side, series in points.items():
        if not series:
            continue
        coords = " ".join(f"{x(r):.1f},{y(v):.1f}" for r, v in series)
        parts.append(
            f'<polyline fill="none" stroke="{colours[side]}" stroke-width="2" '
            f'points="{coords}" data-side="{side}"/>'
        )
        for r, v in series:
            parts.append(f'<circle cx="{x(r):.1f}" cy="{y(v):.1f}" r="3" fill="{colours[side]}"/>')
    parts.append(
        f'<text x="{pad}" y="{height - 2}" font-size="10">{first}</text>'
        f'<text x="{width - pad}" y="{height - 2}" font-size="10" text-anchor="end">{last}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def cases_with_request_due(*, now: dt.datetime, within: dt.timedelta) -> QuerySet[Case]:
    return Case.objects.filter(
        status="requested", answer="pending", answer_due__isnull=False, answer_due__lte=now + within
    )
