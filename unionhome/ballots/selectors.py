"""Ballot reads: who may see what, the member's list, results and receipts.

Secrecy rule for staff: before the close they see who voted and the turnout, never counts
(live counts next to a live list of voters would let them infer how each one voted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.ballots import counting
from unionhome.ballots.charts import bar_chart_svg, threshold_chart_svg
from unionhome.ballots.models import (
    Ballot,
    BallotElector,
    BallotMark,
    BallotOption,
    BallotParticipation,
    BallotRule,
    BallotStatus,
    CongressRepresentative,
    Electorate,
    OptionMeaning,
    RosterVoter,
)
from unionhome.ballots.notice import NoticeData, build_result_notice
from unionhome.core import roles
from unionhome.core.bilingual import localized
from unionhome.core.errors import DomainError, NotAllowed, NotFound

RESULTS_NOT_PUBLISHED = "results_not_published"
NO_OPTION = "no_option_chosen"
TOO_MANY_OPTIONS = "too_many_options"
UNKNOWN_OPTION = "option_not_in_ballot"
DUPLICATE_OPTION = "duplicate_option"
RECEIPTS_NOT_PUBLISHED = "receipts_not_published"


def option_label(option: BallotOption) -> str:
    """Yes/no/abstain are shown in the reader's language; other options as written, in
    English on English pages when an English label was given (``Localized`` says when not)."""
    if option.meaning:
        return str(OptionMeaning(option.meaning).label)
    return localized(option, "label")


def _member_scope(user) -> Q:
    """Ballots not yet frozen that the user would be eligible for today."""
    Membership = apps.get_model("unionhome", "Membership")
    scope = Q(pk__in=[])
    union_ids = list(
        Membership.objects.filter(user=user, status="active").values_list("union_id", flat=True)
    )
    if union_ids:
        Union = apps.get_model("unionhome", "Union")
        with_ancestors = set(union_ids)
        for union in Union.objects.filter(pk__in=union_ids):
            with_ancestors.update(ancestor.pk for ancestor in union.ancestors())
        scope |= Q(electorate=Electorate.MEMBERS, union_id__in=union_ids)
        scope |= Q(electorate=Electorate.MEMBERS_AND_SUBUNIONS, union_id__in=with_ancestors)
    congress = list(
        CongressRepresentative.objects.filter(user=user).values_list("union_id", flat=True)
    )
    if congress:
        scope |= Q(electorate=Electorate.CONGRESS, union_id__in=congress)
    return Q(frozen_at__isnull=True) & scope


def ballots_visible_to(*, user):
    """Ballots the user may vote in (or could, once open), has voted in, or runs as staff."""
    if not getattr(user, "is_authenticated", False):
        return Ballot.objects.none()
    visible = (
        Q(pk__in=BallotElector.objects.filter(user=user).values("ballot_id"))
        | Q(pk__in=BallotParticipation.objects.filter(user=user).values("ballot_id"))
        | Q(union_id__in=roles.staffed_union_ids(user))
        | _member_scope(user)
    )
    return Ballot.objects.filter(visible).select_related("union")


def ballot_get_for_user(*, user, ballot_id: int) -> Ballot:
    ballot = ballots_visible_to(user=user).filter(pk=ballot_id).first()
    if ballot is None:
        raise NotFound(_("No such ballot."))
    return ballot


def ballot_is_staff(*, ballot: Ballot, user) -> bool:
    return roles.is_union_staff(user, ballot.union_id)


def ballot_options_locked(*, ballot: Ballot, now: datetime | None = None) -> bool:
    """Options are fixed from the opening on (voters must all see the same paper)."""
    now = now or timezone.now()
    return ballot.frozen_at is not None or now >= ballot.opens_at


def electorate_roster_voters(*, ballot: Ballot) -> list[tuple[int, int | None]]:
    """(voter id, account id or None) of every covered worker on the ballot's roster."""
    query = RosterVoter.objects.filter(roster_id=ballot.roster_id).order_by("id")
    return list(query.values_list("id", "user_id"))


def electorate_user_ids(*, ballot: Ballot) -> list[int]:
    """Who would be eligible right now (the list ``ballot_open`` freezes)."""
    if ballot.electorate == Electorate.COVERED_WORKERS:
        return sorted({uid for _vid, uid in electorate_roster_voters(ballot=ballot) if uid})
    if ballot.electorate == Electorate.CONGRESS:
        query = CongressRepresentative.objects.filter(union_id=ballot.union_id)
        return sorted(set(query.values_list("user_id", flat=True)))
    Membership = apps.get_model("unionhome", "Membership")
    union_ids = (
        roles.union_subtree_ids({ballot.union_id})
        if ballot.electorate == Electorate.MEMBERS_AND_SUBUNIONS
        else {ballot.union_id}
    )
    query = Membership.objects.filter(union_id__in=union_ids, status="active")
    return sorted(set(query.values_list("user_id", flat=True)))


def ballot_with_electorate(*, ballot: Ballot, now: datetime | None = None) -> Ballot:
    """A ballot past its opening that nothing has opened yet (no vote, no tick) is read with
    the electorate it would freeze, counted in memory: a selector never opens a ballot
    (``services.ballot_open`` does, run by the scheduler tick and by the first vote)."""
    now = now or timezone.now()
    if ballot.frozen_at is None and now >= ballot.opens_at:
        # As ballot_open counts: covered workers with or without an account.
        if ballot.electorate == Electorate.COVERED_WORKERS:
            ballot.eligible_count = len(electorate_roster_voters(ballot=ballot))
        else:
            ballot.eligible_count = len(electorate_user_ids(ballot=ballot))
    return ballot


def ballot_choice_ids(*, ballot: Ballot, option_ids: Iterable) -> list[int]:
    """The chosen option ids, checked against the ballot (count, duplicates, membership)."""
    try:
        chosen = [int(option_id) for option_id in option_ids]
    except (TypeError, ValueError):
        raise DomainError(UNKNOWN_OPTION, _("Unknown option."), field="option_ids") from None
    if not chosen:
        raise DomainError(NO_OPTION, _("Choose an option."), field="option_ids")
    if len(set(chosen)) != len(chosen):
        raise DomainError(DUPLICATE_OPTION, _("An option was chosen twice."), field="option_ids")
    if len(chosen) > ballot.choice_limit:
        raise DomainError(
            TOO_MANY_OPTIONS,
            _("Choose at most %(limit)d.") % {"limit": ballot.choice_limit},
            field="option_ids",
        )
    valid = set(BallotOption.objects.filter(ballot=ballot).values_list("id", flat=True))
    if not set(chosen) <= valid:
        raise DomainError(
            UNKNOWN_OPTION, _("That option is not on this ballot."), field="option_ids"
        )
    return chosen


def ballot_check_choice(*, ballot: Ballot, option_ids: Iterable) -> list[BallotOption]:
    """Validate a choice without casting it (the confirmation step shows it back)."""
    chosen = ballot_choice_ids(ballot=ballot, option_ids=option_ids)
    by_id = {option.pk: option for option in BallotOption.objects.filter(pk__in=chosen)}
    return [by_id[option_id] for option_id in chosen]


def ballot_is_eligible(*, ballot: Ballot, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if ballot.frozen_at is not None:
        return BallotElector.objects.filter(ballot=ballot, user=user).exists()
    return Ballot.objects.filter(_member_scope(user), pk=ballot.pk).exists()


def ballot_receipt_of(*, ballot: Ballot, user) -> str | None:
    """The member's own receipt, or None if they have not voted."""
    return (
        BallotParticipation.objects.filter(ballot=ballot, user=user)
        .values_list("receipt", flat=True)
        .first()
    )


def ballot_turnout(*, ballot: Ballot) -> int:
    return ballot.participations.count()


@dataclass
class MemberBallot:
    ballot: Ballot
    status: str
    eligible: bool
    receipt: str | None

    @property
    def can_vote(self) -> bool:
        return self.status == BallotStatus.OPEN and self.eligible and not self.receipt


def member_ballots(*, user, now: datetime | None = None) -> list[MemberBallot]:
    """The member's ballots: open ones first (those still to vote in at the top), then
    upcoming, then closed, newest first within each group."""
    now = now or timezone.now()
    ballots = list(ballots_visible_to(user=user))
    receipts = dict(
        BallotParticipation.objects.filter(
            user=user, ballot_id__in=[b.pk for b in ballots]
        ).values_list("ballot_id", "receipt")
    )
    frozen_eligible = set(
        BallotElector.objects.filter(user=user, ballot_id__in=[b.pk for b in ballots]).values_list(
            "ballot_id", flat=True
        )
    )
    potential = set(
        Ballot.objects.filter(_member_scope(user), pk__in=[b.pk for b in ballots]).values_list(
            "pk", flat=True
        )
    )
    rows = []
    for ballot in ballots:
        eligible = ballot.pk in (frozen_eligible if ballot.frozen_at else potential)
        rows.append(MemberBallot(ballot, ballot.status_at(now), eligible, receipts.get(ballot.pk)))
    # Open ballots first (still to vote in, then closing soonest), then upcoming, then closed.
    open_rows = sorted(
        (r for r in rows if r.status == BallotStatus.OPEN),
        key=lambda r: (not r.can_vote, r.ballot.closes_at),
    )
    upcoming = sorted(
        (r for r in rows if r.status == BallotStatus.SCHEDULED), key=lambda r: r.ballot.opens_at
    )
    closed = sorted(
        (r for r in rows if r.status == BallotStatus.CLOSED),
        key=lambda r: r.ballot.closes_at,
        reverse=True,
    )
    return open_rows + upcoming + closed


@dataclass
class OptionResult:
    option_id: int
    label: str
    votes: int
    elected: bool = False


@dataclass
class BallotResults:
    ballot: Ballot
    status: str
    eligible_count: int
    turnout: int
    # None while the ballot is open (staff see the turnout only).
    options: list[OptionResult] | None = None
    outcome: counting.Outcome | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.outcome is not None

    @property
    def passed(self) -> bool | None:
        return self.outcome.passed if self.outcome else None

    @property
    def turnout_percent(self) -> float:
        return round(100 * self.turnout / self.eligible_count, 1) if self.eligible_count else 0.0

    @property
    def counts(self) -> dict[str, int] | None:
        if self.options is None:
            return None
        return {str(o.option_id): o.votes for o in self.options}


def ballot_tally(*, ballot: Ballot) -> tuple[dict[int, int], int]:
    """Votes per option and the number of papers, counted in the database."""
    counts = dict(
        BallotMark.objects.filter(ballot=ballot)
        .order_by()
        .values("option_id")
        .annotate(n=Count("*"))
        .values_list("option_id", "n")
    )
    return counts, ballot.papers.count()


def ballot_outcome(*, ballot: Ballot) -> tuple[counting.Outcome, list[BallotOption]]:
    options = list(ballot.options.all())
    counts, cast = ballot_tally(ballot=ballot)
    yes = next((o.pk for o in options if o.meaning == OptionMeaning.YES), None)
    outcome = counting.decide(
        kind=ballot.kind,
        rule=ballot.rule,
        eligible=ballot.eligible_count or 0,
        cast=cast,
        counts=counts,
        options=[o.pk for o in options],
        yes=yes,
        seats=ballot.seats,
    )
    return outcome, options


def ballot_results(*, ballot: Ballot, user, now: datetime | None = None) -> BallotResults:
    """Results after the close; before it, staff get the turnout only and members nothing.

    A read only: sealing (shuffling a closed ballot's papers) is ``services.ballot_seal``,
    run by the scheduler tick. Results read between the close and the next tick are the
    same, since the tally does not depend on the order of the rows."""
    now = now or timezone.now()
    status = ballot.status_at(now)
    staff = ballot_is_staff(ballot=ballot, user=user)
    if status != BallotStatus.CLOSED and not staff:
        raise NotAllowed(
            _("Results are published when the ballot closes."), code=RESULTS_NOT_PUBLISHED
        )
    ballot = ballot_with_electorate(ballot=ballot, now=now)
    results = BallotResults(
        ballot=ballot, status=status, eligible_count=ballot.eligible_count or 0, turnout=0
    )
    if status != BallotStatus.CLOSED:
        results.turnout = ballot_turnout(ballot=ballot)
        return results
    outcome, options = ballot_outcome(ballot=ballot)
    # One paper per participation (written in one transaction), so the papers are the turnout.
    results.turnout = outcome.cast
    results.outcome = outcome
    results.options = [
        OptionResult(o.pk, option_label(o), outcome.counts.get(o.pk, 0), o.pk in outcome.winners)
        for o in options
    ]
    results.reasons = explain(outcome, options)
    return results


def ballot_result_passed(*, ballot: Ballot, now: datetime | None = None) -> bool | None:
    """Did the ballot pass? ``None`` until it has closed. (For other parts, e.g. contracts.)"""
    now = now or timezone.now()
    if ballot.status_at(now) != BallotStatus.CLOSED:
        return None
    ballot = ballot_with_electorate(ballot=ballot, now=now)
    outcome, _options = ballot_outcome(ballot=ballot)
    return outcome.passed


def ballot_receipts(*, ballot: Ballot, user, now: datetime | None = None) -> list[str]:
    """All receipts, sorted (so the order says nothing about when anyone voted)."""
    now = now or timezone.now()
    if ballot.status_at(now) != BallotStatus.CLOSED:
        raise NotAllowed(
            _("Receipts are published when the ballot closes."), code=RECEIPTS_NOT_PUBLISHED
        )
    return sorted(ballot.participations.values_list("receipt", flat=True))


def ballot_voters(*, ballot: Ballot, user) -> list:
    """Who has voted (never how): staff of the ballot's union only."""
    if not ballot_is_staff(ballot=ballot, user=user):
        raise NotAllowed(_("Only the union's staff can see who voted."))
    User = apps.get_model(*_user_model_label())
    return list(User.objects.filter(ballot_participations__ballot=ballot).order_by("username"))


def ballot_code_voters(*, ballot: Ballot, user) -> list[str]:
    """Covered workers without an account who voted with a one-time code (names, never how):
    staff of the ballot's union only."""
    if not ballot_is_staff(ballot=ballot, user=user):
        raise NotAllowed(_("Only the union's staff can see who voted."))
    voted = ballot.participations.filter(user__isnull=True, voter__isnull=False)
    return sorted(voted.values_list("voter__full_name", flat=True))


def _user_model_label() -> tuple[str, str]:

    app_label, model = settings.AUTH_USER_MODEL.split(".")
    return app_label, model


# --- explaining a verdict ------------------------------------------------------------------


def rule_label(rule: str) -> str:

    return str(BallotRule(rule).label)


def _condition_sentence(condition: counting.Condition, *, for_option: bool = False) -> str:
    params = {"value": condition.value, "needed": condition.needed, "base": condition.base}
    if for_option:
        # Choice ballots: an option "gets votes" rather than "approval".
        texts = {
            counting.APPROVE_OVER_HALF_OF_CAST: _(
                "%(value)d votes of %(base)d cast; more than half (%(needed)d) needed."
            ),
            counting.APPROVE_OVER_HALF_OF_ELIGIBLE: _(
                "%(value)d votes of all %(base)d eligible voters; more than half "
                "(%(needed)d) needed."
            ),
            counting.APPROVE_TWO_THIRDS_OF_CAST: _(
                "%(value)d votes of %(base)d cast; at least two thirds (%(needed)d) needed."
            ),
        }
    else:
        texts = {
            counting.APPROVE_OVER_HALF_OF_CAST: _(
                "%(value)d of %(base)d votes cast approve; more than half (%(needed)d) needed."
            ),
            counting.APPROVE_OVER_HALF_OF_ELIGIBLE: _(
                "%(value)d of all %(base)d eligible voters approve; more than half "
                "(%(needed)d) needed."
            ),
            counting.APPROVE_TWO_THIRDS_OF_CAST: _(
                "%(value)d of %(base)d votes cast approve; at least two thirds (%(needed)d) needed."
            ),
        }
    # Collective Contract Provisions art. 36 (Civil Code art. 1259: "以上" includes the number).
    texts[counting.APPROVE_HALF_OF_ELIGIBLE] = _(
        "%(value)d of all %(base)d eligible voters approve; at least half (%(needed)d) needed "
        "(Collective Contract Provisions art. 36)."
    )
    texts[counting.TURNOUT_TWO_THIRDS_OF_ELIGIBLE] = _(
        "%(value)d of %(base)d eligible voters took part; at least two thirds "
        "(%(needed)d) must take part (Collective Contract Provisions art. 36)."
    )
    sentence = texts[condition.code] % params
    mark = _("met") if condition.met else _("not met")
    return f"{sentence} ({mark})"


def explain(outcome: counting.Outcome, options: list[BallotOption]) -> list[str]:
    """Sentences saying which rule applied and why the ballot passed or failed."""
    labels = {o.pk: option_label(o) for o in options}
    lines = [_("Rule: %(rule)s.") % {"rule": rule_label(outcome.rule)}]
    lines.append(
        _("Turnout: %(cast)d of %(eligible)d eligible voters.")
        % {"cast": outcome.cast, "eligible": outcome.eligible}
    )
    if outcome.verdict is not None:
        lines.extend(_condition_sentence(c) for c in outcome.verdict.conditions)
    else:
        for key, verdict in outcome.option_verdicts.items():
            for condition in verdict.conditions:
                sentence = _condition_sentence(condition, for_option=True)
                lines.append(f"{labels[key]}: {sentence}")
        if outcome.winners:
            lines.append(
                _("Chosen: %(names)s.") % {"names": ", ".join(labels[k] for k in outcome.winners)}
            )
        if outcome.tied:
            lines.append(
                _("Tied for the last place, so it stays unfilled: %(names)s.")
                % {"names": ", ".join(labels[k] for k in outcome.tied)}
            )
    lines.append(_("Verdict: passed.") if outcome.passed else _("Verdict: not passed."))
    return lines


# --- documents ---------------------------------------------------------------------------


def _share(votes: int, cast: int) -> str:
    return f"{100 * votes / cast:.1f}%" if cast else "0.0%"


def ballot_chart_svg(*, results: BallotResults) -> str:

    rows = [(o.label, o.votes, o.elected) for o in results.options or []]
    if results.ballot.kind == "yes_no" and results.passed:
        rows = [(label, votes, index == 0) for index, (label, votes, _e) in enumerate(rows)]
    return bar_chart_svg(
        rows, total=results.outcome.cast if results.outcome else 0, title=_("Votes per option")
    )


def ballot_threshold_svg(*, results: BallotResults) -> str:
    """The collective-contract rule drawn (Collective Contract Provisions art. 36): turnout
    against two thirds of ALL eligible, approvals against half of ALL eligible, each bar with
    its line; both inclusive ("以上", Civil Code art. 1259). Empty for other rules."""
    outcome = results.outcome
    if outcome is None or outcome.verdict is None or outcome.rule != counting.COLLECTIVE_CONTRACT:
        return ""
    by_code = {c.code: c for c in outcome.verdict.conditions}
    turnout = by_code.get(counting.TURNOUT_TWO_THIRDS_OF_ELIGIBLE)
    approve = by_code.get(counting.APPROVE_HALF_OF_ELIGIBLE)
    if turnout is None or approve is None:
        return ""
    rows = [
        (
            _("Took part"),
            turnout.value,
            turnout.needed,
            _("two thirds: %(n)d") % {"n": turnout.needed},
        ),
        (
            _("Approve"),
            approve.value,
            approve.needed,
            _("half of all: %(n)d") % {"n": approve.needed},
        ),
    ]
    return threshold_chart_svg(rows, base=outcome.eligible, title=_("The two thresholds"))


def ballot_notice_docx(*, ballot: Ballot, user, now: datetime | None = None) -> bytes:
    """The result notice (DOCX) for the union's records: staff, after the close."""

    if not ballot_is_staff(ballot=ballot, user=user):
        raise NotAllowed(_("Only the union's staff can download the result notice."))
    results = ballot_results(ballot=ballot, user=user, now=now)
    if not results.published:
        raise NotAllowed(
            _("Results are published when the ballot closes."), code=RESULTS_NOT_PUBLISHED
        )
    cast = results.outcome.cast

    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    data = NoticeData(
        heading=_("Notice of ballot result"),
        union_name=ballot.union.name,
        title=ballot.title,
        facts=[
            (_("Rule"), rule_label(ballot.rule)),
            (_("Voting period"), f"{local(ballot.opens_at)} – {local(ballot.closes_at)}"),
            (_("Eligible voters"), str(results.eligible_count)),
            (
                _("Votes cast"),
                f"{results.turnout} ({results.turnout_percent}%)",
            ),
        ]
        + ([(_("Source"), ballot.source_label)] if ballot.source_label else []),
        table_headers=(_("Option"), _("Votes"), _("Share of votes cast")),
        rows=[(o.label, o.votes, _share(o.votes, cast)) for o in results.options],
        reasons=results.reasons,
        verdict=_("The ballot passed.") if results.passed else _("The ballot did not pass."),
        footer=[ballot.union.name, timezone.localdate().isoformat()],
    )
    return build_result_notice(data)
