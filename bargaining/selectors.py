"""Reads for bargaining: who may see a case and in what role, the visible events, positions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
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
from unionhome.core import roles
from unionhome.core.errors import NotFound

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


def item_positions(*, case: Case, item_id: int | None = None) -> list[ItemView]:
    """Per item (or the one item ``item_id``): both sides' standing offers, the gap, and each
    side's last position per round (the data of the convergence chart)."""
    items = case.items.all()
    offers = Offer.objects.filter(item__case=case)
    if item_id is not None:
        items, offers = items.filter(pk=item_id), offers.filter(item_id=item_id)
    items = list(items)
    offers = list(offers.select_related("round", "by").order_by("id"))
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


def _label(value: float) -> str:
    return f"{Decimal(str(round(value, 2))).normalize():f}"


def convergence_svg(
    *,
    history: list[dict],
    floor: Decimal | None = None,
    width: int = 340,
    height: int = 170,
) -> str:
    """A line chart of each side's position per round, with each value written by its point,
    every round number on the x axis and the legal floor as a dashed line (server-side SVG,
    no script). Sized in a viewBox so it scales to a phone; text stays at least 11 units."""
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
    left, right, top, bottom = 28, 40, 18, 26
    low, high = min(values), max(values)
    if floor is not None:
        low, high = min(low, float(floor)), max(high, float(floor))
    if high == low:
        high, low = high + 1, low - 1
    margin = (high - low) * 0.12
    low, high = low - margin, high + margin
    first, last = min(rounds), max(rounds)
    span = max(last - first, 1)

    def x(r):
        if last == first:
            return (width - right + left) / 2
        return left + (r - first) * (width - left - right) / span

    def y(v):
        return top + (high - v) * (height - top - bottom) / (high - low)

    colours = {Side.UNION.value: "#b03020", Side.EMPLOYER.value: "#24394d"}
    title = _("Positions per round")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="convergence" role="img" aria-label="{escape(title)}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    round_label = _("R%(n)s")  # a round number on the axis: "R2" / "第2轮"
    for r in sorted(set(rounds)):
        parts.append(
            f'<text x="{x(r):.1f}" y="{height - bottom + 15}" font-size="12" '
            f'text-anchor="middle" fill="#555">{escape(round_label % {"n": r})}</text>'
        )
    if floor is not None:
        fy = y(float(floor))
        parts.append(
            f'<line x1="{left}" y1="{fy:.1f}" x2="{width - right}" y2="{fy:.1f}" '
            'stroke="#b26a00" stroke-width="1.5" stroke-dasharray="5 4" class="floor-line"/>'
            f'<text x="{width - right + 3}" y="{fy + 4:.1f}" font-size="11" fill="#8a5200">'
            f"{escape(_label(float(floor)))}</text>"
        )
    for side, series in points.items():
        if not series:
            continue
        coords = " ".join(f"{x(r):.1f},{y(v):.1f}" for r, v in series)
        parts.append(
            f'<polyline fill="none" stroke="{colours[side]}" stroke-width="2.5" '
            f'points="{coords}" data-side="{side}"/>'
        )
        # Union labels above their points, employer labels below, so equal values stay legible.
        dy = -7 if side == Side.UNION.value else 16
        for r, v in series:
            parts.append(
                f'<circle cx="{x(r):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colours[side]}"/>'
                f'<text x="{x(r):.1f}" y="{y(v) + dy:.1f}" font-size="12" text-anchor="middle" '
                f'fill="{colours[side]}" font-weight="600">{escape(_label(v))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def cases_with_request_due(*, now: dt.datetime, within: dt.timedelta) -> QuerySet[Case]:
    return Case.objects.filter(
        status="requested", answer="pending", answer_due__isnull=False, answer_due__lte=now + within
    )


# CCP art. 19: each side sends an equal number of representatives, at least three.
MIN_REPRESENTATIVES = 3


def case_team_problems(case: Case) -> list[str]:
    """Why the teams are not yet valid for a meeting (empty when they are)."""
    problems = []
    counts = {s: case.representatives.filter(active=True, side=s).count() for s in Side.values}
    for side in Side.values:
        if counts[side] < MIN_REPRESENTATIVES:
            problems.append("too_few_representatives")
        if not case.representatives.filter(active=True, side=side, role="chief").exists():
            problems.append("no_chief")
    if counts[Side.UNION] != counts[Side.EMPLOYER]:
        problems.append("unequal_sides")
    return sorted(set(problems))


def case_team_warnings(case: Case) -> list[str]:
    """The union's chief is not the union chair: allowed only with a written delegation
    (Collective Contract Provisions art. 20), which the room then shows."""
    chief = case.chief(Side.UNION)
    if chief is not None and case.union.chair_id and case.union.chair_id != chief.pk:
        return ["chief_not_chair"]
    return []


def case_delegations(case: Case) -> list:
    """The written delegations of the current chiefs (arts. 20-21), for display."""
    chiefs = {side: case.chief(side) for side in Side.values}
    return [
        d
        for d in case.delegations.select_related("delegate").order_by("-id")
        if chiefs.get(d.side) is not None and chiefs[d.side].pk == d.delegate_id
    ]
