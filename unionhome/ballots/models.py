"""Member ballots.

Secrecy by design: who may vote (``BallotElector``), who has voted (``BallotParticipation``)
and what was chosen (``BallotPaper`` + ``BallotMark``) live in separate tables with nothing
linking them: papers and marks carry no user, no timestamp, and random UUID keys, so neither
a column nor the key order can tie a paper back to a voter.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from unionhome.core.crypto import EncryptedCharField


class BallotKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    ELECTION = "election", _("Election")


class BallotRule(models.TextChoices):
    SIMPLE_MAJORITY = "simple_majority", _("Simple majority of votes cast")
    ABSOLUTE_MAJORITY = "absolute_majority", _("Absolute majority of all eligible")
    TWO_THIRDS = "two_thirds", _("Two thirds of votes cast")
    COLLECTIVE_CONTRACT = (
        "collective_contract",
        _(
            "Collective-contract rule (at least 2/3 take part, at least half of all eligible "
            "approve; Collective Contract Provisions art. 36)"
        ),
    )


class Electorate(models.TextChoices):
    MEMBERS = "members", _("All active members of the union")
    MEMBERS_AND_SUBUNIONS = "members_subunions", _("Active members of the union and its sub-unions")
    CONGRESS = "congress", _("The union's congress of worker representatives")
    # Collective Contract Provisions art. 36: a draft contract goes to the workers' congress or
    # to ALL the workers it covers, members or not (a roster staff import).
    COVERED_WORKERS = "covered_workers", _("All workers the contract covers (imported roster)")


# The bodies that may ratify a collective contract (Collective Contract Provisions art. 36);
# the union's members alone never may.
RATIFYING_ELECTORATES = (Electorate.CONGRESS, Electorate.COVERED_WORKERS)


class BallotStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Not yet open")
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("ballot status", "Closed")


class OptionMeaning(models.TextChoices):
    CHOICE = "", _("Choice or candidate")
    # Context: "Yes" on a ballot reads 同意 in Chinese, elsewhere 是 (catalogs share msgids).
    YES = "yes", pgettext_lazy("ballot option", "Yes")
    NO = "no", pgettext_lazy("ballot option", "No")
    ABSTAIN = "abstain", _("Abstain")


class Ballot(ClusterableModel):
    """A vote of a union's members (or its congress of worker representatives)."""

    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        _("English title"),
        max_length=200,
        blank=True,
        help_text=_("Used on English pages; when empty they show the Chinese title, marked."),
    )
    description = RichTextField(_("description"), blank=True)
    description_en = RichTextField(
        _("English description"),
        blank=True,
        help_text=_("Used on English pages; when empty they show the Chinese text, marked."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=BallotKind.choices, default=BallotKind.YES_NO
    )
    rule = models.CharField(
        _("rule"), max_length=30, choices=BallotRule.choices, default=BallotRule.SIMPLE_MAJORITY
    )
    electorate = models.CharField(
        _("who votes"), max_length=20, choices=Electorate.choices, default=Electorate.MEMBERS
    )
    roster = models.ForeignKey(
        "ballots.VoterRoster",
        verbose_name=_("roster of covered workers"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
        help_text=_("Who votes when the electorate is all covered workers."),
    )
    max_choices = models.PositiveSmallIntegerField(
        _("maximum choices"),
        default=1,
        help_text=_("Multiple-choice ballots: how many options a voter may pick."),
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=1, help_text=_("Elections: how many candidates are elected.")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # Fixed once, when the ballot opens (see services.ballot_open).
    eligible_count = models.PositiveIntegerField(_("eligible voters"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("electorate fixed at"), null=True, blank=True)
    source_label = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the ballot comes from, e.g. a bargaining case."),
    )
    # When the papers were rewritten in a random order after the close (services.ballot_seal).
    sealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_notice_sent = models.BooleanField(default=False, editable=False)
    closing_reminder_sent = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="ballot_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(seats__gte=1), name="ballot_positive_limits"
            ),
            # A covered-workers ballot always has its roster (and only such a ballot has one).
            models.CheckConstraint(
                condition=Q(electorate="covered_workers", roster__isnull=False)
                | (~Q(electorate="covered_workers") & Q(roster__isnull=True)),
                name="ballot_roster_iff_covered_workers",
            ),
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=True, eligible_count__isnull=True)
                | Q(frozen_at__isnull=False, eligible_count__isnull=False),
                name="ballot_eligible_count_fixed_with_electorate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now) -> str:
        if now < self.opens_at:
            return BallotStatus.SCHEDULED
        if now < self.closes_at:
            return BallotStatus.OPEN
        return BallotStatus.CLOSED

    @property
    def choice_limit(self) -> int:
        if self.kind == BallotKind.MULTIPLE_CHOICE:
            return self.max_choices
        if self.kind == BallotKind.ELECTION:
            return self.seats
        return 1


class BallotOption(Orderable):
    ballot = ParentalKey(
        Ballot, on_delete=models.CASCADE, related_name="options", verbose_name=_("ballot")
    )
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(
        _("English label"),
        max_length=200,
        blank=True,
        help_text=_("Used on English pages; candidates' names may stay as written."),
    )
    meaning = models.CharField(
        _("meaning"),
        max_length=10,
        choices=OptionMeaning.choices,
        blank=True,
        default=OptionMeaning.CHOICE,
    )

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "meaning"],
                condition=~Q(meaning=""),
                name="one_yes_no_abstain_option_each",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CongressRepresentative(models.Model):
    """A member of a union's congress of worker representatives (a list staff maintain)."""

    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.CASCADE,
        related_name="congress_representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representative"),
        on_delete=models.CASCADE,
        related_name="congress_seats",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("congress representative")
        verbose_name_plural = _("congress representatives")
        constraints = [
            models.UniqueConstraint(fields=["union", "user"], name="unique_congress_representative")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.union}"


class VoterRoster(models.Model):
    """A list of all the workers a collective contract covers, members or not, imported by
    staff from CSV (Collective Contract Provisions art. 36: "全体职工")."""

    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.CASCADE,
        related_name="voter_rosters",
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roster of covered workers")
        verbose_name_plural = _("rosters of covered workers")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class RosterVoter(models.Model):
    """One covered worker. The ID number is encrypted at rest like a member's; a worker
    without an account votes with a one-time code sent to ``phone``."""

    roster = models.ForeignKey(
        VoterRoster, on_delete=models.CASCADE, related_name="voters", verbose_name=_("roster")
    )
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    id_number = EncryptedCharField(_("resident ID number"), max_length=255)
    id_number_digest = models.CharField(max_length=64, editable=False)
    worker_type = models.CharField(_("worker type"), max_length=20)
    # The worker's account, when one with this phone number exists at import.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("covered worker")
        verbose_name_plural = _("covered workers")
        ordering = ["roster", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "id_number_digest"], name="roster_one_row_per_person"
            ),
            models.UniqueConstraint(fields=["roster", "phone"], name="roster_one_row_per_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name


class BallotElector(models.Model):
    """Who may vote: the electorate frozen when the ballot opened. An account (``user``), a
    covered worker (``voter``), or a covered worker who also has an account (both)."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="electors", verbose_name=_("ballot")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ballot_electorships",
        verbose_name=_("user"),
    )
    voter = models.ForeignKey(
        RosterVoter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("covered worker"),
    )

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="unique_ballot_elector"),
            models.UniqueConstraint(
                fields=["ballot", "voter"], name="unique_ballot_roster_elector"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(voter__isnull=False),
                name="ballot_elector_is_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.ballot_id}"


class BallotParticipation(models.Model):
    """Who has voted, and the receipt they were given. Says nothing about the choice.

    The unique constraint is what makes "one member, one vote" hold under concurrent
    submissions. No timestamp: it could be matched against anything else logged at casting.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="participations", verbose_name=_("ballot")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballot_participations",
        verbose_name=_("user"),
    )
    # Set for a covered worker, whether they voted with their account or a one-time code:
    # the second unique constraint stops them voting both ways.
    voter = models.ForeignKey(
        RosterVoter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("covered worker"),
    )
    receipt = models.CharField(max_length=24, unique=True, verbose_name=_("receipt"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="one_vote_per_member"),
            models.UniqueConstraint(fields=["ballot", "voter"], name="one_vote_per_roster_voter"),
        ]

    def __str__(self) -> str:
        return self.receipt


class BallotVoteCode(models.Model):
    """A one-time code sent by SMS to a covered worker without an account. Only its keyed
    hash is kept; it expires, and a few wrong tries use it up."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="+", verbose_name=_("ballot")
    )
    voter = models.ForeignKey(
        RosterVoter, on_delete=models.CASCADE, related_name="+", verbose_name=_("covered worker")
    )
    code_digest = models.CharField(max_length=64, verbose_name=_("code digest"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter"], name="one_code_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} @ {self.ballot_id}"


class BallotPaper(models.Model):
    """One anonymous ballot paper. Random key, no user, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="papers", verbose_name=_("ballot")
    )

    class Meta:
        verbose_name = _("ballot paper")
        verbose_name_plural = _("ballot papers")

    def __str__(self) -> str:
        return str(self.pk)


class BallotMark(models.Model):
    """One option marked on a paper (several for multiple choice and elections)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    paper = models.ForeignKey(
        BallotPaper, on_delete=models.CASCADE, related_name="marks", verbose_name=_("ballot paper")
    )
    # Denormalised from the paper so a tally is one GROUP BY over one table.
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="marks", verbose_name=_("ballot")
    )
    option = models.ForeignKey(
        BallotOption, on_delete=models.PROTECT, related_name="marks", verbose_name=_("option")
    )

    class Meta:
        verbose_name = _("ballot mark")
        verbose_name_plural = _("ballot marks")
        constraints = [
            models.UniqueConstraint(fields=["paper", "option"], name="one_mark_per_option")
        ]

    def __str__(self) -> str:
        return str(self.pk)
