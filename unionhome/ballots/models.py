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
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable


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
        _("Collective-contract rule (2/3 take part, more than half of all eligible approve)"),
    )


class Electorate(models.TextChoices):
    MEMBERS = "members", _("All active members of the union")
    MEMBERS_AND_SUBUNIONS = "members_subunions", _("Active members of the union and its sub-unions")
    CONGRESS = "congress", _("The union's congress of worker representatives")


class BallotStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Not yet open")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class OptionMeaning(models.TextChoices):
    CHOICE = "", _("Choice or candidate")
    YES = "yes", _("Yes")
    NO = "no", _("No")
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
    description = RichTextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=BallotKind.choices, default=BallotKind.YES_NO
    )
    rule = models.CharField(
        _("rule"), max_length=30, choices=BallotRule.choices, default=BallotRule.SIMPLE_MAJORITY
    )
    electorate = models.CharField(
        _("who votes"), max_length=20, choices=Electorate.choices, default=Electorate.MEMBERS
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
    ballot = ParentalKey(Ballot, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=200)
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


class BallotElector(models.Model):
    """Who may vote: the electorate frozen when the ballot opened."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ballot_electorships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="unique_ballot_elector")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.ballot_id}"


class BallotParticipation(models.Model):
    """Who has voted, and the receipt they were given. Says nothing about the choice.

    The unique constraint is what makes "one member, one vote" hold under concurrent
    submissions. No timestamp: it could be matched against anything else logged at casting.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballot_participations"
    )
    receipt = models.CharField(max_length=24, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return self.receipt


class BallotPaper(models.Model):
    """One anonymous ballot paper. Random key, no user, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="papers")

    def __str__(self) -> str:
        return str(self.pk)


class BallotMark(models.Model):
    """One option marked on a paper (several for multiple choice and elections)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    paper = models.ForeignKey(BallotPaper, on_delete=models.CASCADE, related_name="marks")
    # Denormalised from the paper so a tally is one GROUP BY over one table.
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    option = models.ForeignKey(BallotOption, on_delete=models.PROTECT, related_name="marks")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "option"], name="one_mark_per_option")
        ]

    def __str__(self) -> str:
        return str(self.pk)
