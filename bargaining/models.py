"""Collective bargaining: cases, representatives, agenda items, rounds, offers, the event log.

Fields a contract builder should read (kept stable):

- ``Case``: ``title``, ``union`` (FK unionhome.Union, the workers' party), ``employer`` (name of
  the employer party), ``employer_kind`` (``platform`` | ``association``), ``region_code``,
  ``status`` (``CaseStatus``; this app moves it up to ``agreed``, later values belong to the
  contract lifecycle), ``agreed_at``.
- ``Representative``: ``case``, ``side`` (``Side``: ``union`` | ``employer``), ``user``,
  ``role`` (``RepresentativeRole``: ``chief`` | ``member``), ``active``. The chiefs are
  ``case.chief(Side.UNION)`` and ``case.chief(Side.EMPLOYER)``. ``case.recorder`` is the
  minute-taker (not a representative).
- ``AgendaItem``: ``topic`` (``Topic``), ``title``, ``value_kind`` (``ValueKind``), ``unit``,
  ``status`` (``ItemStatus``: ``open`` | ``tentative`` | ``agreed``), ``agreed_value`` (the
  canonical value: a decimal string like ``"4.50"`` for numeric kinds, ``true``/``false`` for
  yes/no, a string for text), ``agreed_text`` (the human-readable value with its unit),
  ``agreed_override`` (the reason recorded when a chief agreed to a value below a legal floor),
  ``position`` (display order).
- ``Round``: ``case``, ``number``, ``chair_side``, ``status``, ``opened_at``, ``closed_at``.
- ``Event``: the append-only log (``case``, ``seq``, ``kind``, ``audience``, ``actor``,
  ``round``, ``payload``, ``created_at``); the minutes are the events with audience ``table``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("In bargaining")
    SUSPENDED = "suspended", _("Suspended")
    AGREED = "agreed", _("Agreed")
    # The contract lifecycle (handled by the contracts app).
    DRAFT = "draft", _("Draft contract")
    RATIFICATION = "ratification", _("Before the workers' congress")
    RATIFIED = "ratified", _("Ratified")
    REJECTED = "rejected", _("Rejected by the workers")
    SIGNED = "signed", _("Signed")
    FILED = "filed", _("Filed with the labour administration")
    IN_FORCE = "in_force", _("In force")
    OBJECTED = "objected", _("Objected to by the labour administration")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    # A request the other side refused in writing.
    REFUSED = "refused", _("Request refused")


class Side(models.TextChoices):
    UNION = "union", _("Union side")
    EMPLOYER = "employer", _("Employer side")


class EmployerKind(models.TextChoices):
    PLATFORM = "platform", _("Platform company")
    ASSOCIATION = "association", _("Industry association")


class RequestAnswer(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Case(models.Model):
    """A bargaining case between a union and an employer side."""

    title = models.CharField(_("title"), max_length=200)
    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="bargaining_cases",
    )
    employer = models.CharField(_("employer"), max_length=200)
    employer_kind = models.CharField(
        _("employer kind"),
        max_length=20,
        choices=EmployerKind.choices,
        default=EmployerKind.PLATFORM,
    )
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        blank=True,
        help_text=_("Region whose minimum wage applies (administrative division code)"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REQUESTED
    )
    # The written bargaining request (Collective Contract Provisions 2004, art. 32).
    requested_by_side = models.CharField(
        _("requested by"), max_length=10, choices=Side.choices, default=Side.UNION
    )
    request_text = models.TextField(_("written request"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=10, choices=RequestAnswer.choices, default=RequestAnswer.PENDING
    )
    answer_reason = models.TextField(_("reason for refusal"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_bargaining_cases",
    )
    next_meeting_at = models.DateTimeField(_("next meeting"), null=True, blank=True)
    suspension_proposed_by = models.CharField(
        _("suspension proposed by"), max_length=10, choices=Side.choices, blank=True
    )
    union_confirmed_at = models.DateTimeField(null=True, blank=True)
    employer_confirmed_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    # The last event seq handed out; incremented under a row lock (see services.event_append).
    last_seq = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bargaining case")
        verbose_name_plural = _("bargaining cases")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    def chief(self, side: str):
        rep = (
            self.representatives.filter(side=side, role=RepresentativeRole.CHIEF, active=True)
            .select_related("user")
            .first()
        )
        return rep.user if rep else None


class RepresentativeRole(models.TextChoices):
    CHIEF = "chief", _("Chief representative")
    MEMBER = "member", _("Representative")


class Representative(models.Model):
    """A person representing one side in one case. Rows are kept when removed (history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="representatives")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="bargaining_representations",
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=RepresentativeRole.choices,
        default=RepresentativeRole.MEMBER,
    )
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["side", "role", "id"]
        constraints = [
            # One active seat per person per case: nobody represents both sides.
            models.UniqueConstraint(
                fields=["case", "user"], condition=Q(active=True), name="bargaining_one_seat"
            ),
            models.UniqueConstraint(
                fields=["case", "side"],
                condition=Q(active=True, role="chief"),
                name="bargaining_one_chief_per_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_side_display()})"


class Topic(models.TextChoices):
    PAY = "pay", _("Pay")
    PROTECTION = "protection", _("Labour protection (hours, rest, leave)")
    REWARDS_PENALTIES = "rewards_penalties", _("Rewards and penalties")
    SAFETY = "safety", _("Safety and health")
    # The other statutory topics (Collective Contract Provisions 2004, art. 8).
    INSURANCE_WELFARE = "insurance_welfare", _("Supplementary insurance and welfare")
    WOMEN_MINORS = "women_minors", _("Special protection of women and minors")
    TRAINING = "training", _("Vocational training")
    CONTRACT_MANAGEMENT = "contract_management", _("Labour-contract management")
    LAYOFFS = "layoffs", _("Lay-offs")
    TERM = "term", _("Term of the contract")
    AMENDMENT = "amendment", _("Amendment and termination procedure")
    DISPUTES = "disputes", _("Dispute handling")
    BREACH = "breach", _("Liability for breach")
    OTHER = "other", _("Other")


class ValueKind(models.TextChoices):
    MONEY = "money", _("Money")
    MINUTES = "minutes", _("Minutes")
    HOURS = "hours", _("Hours")
    PERCENT = "percent", _("Percent")
    QUANTITY = "quantity", _("Quantity")
    BOOLEAN = "boolean", _("Yes / no")
    TEXT = "text", _("Text")


NUMERIC_KINDS = {
    ValueKind.MONEY,
    ValueKind.MINUTES,
    ValueKind.HOURS,
    ValueKind.PERCENT,
    ValueKind.QUANTITY,
}


class StatutoryCheck(models.TextChoices):
    """Which legal floor an item's value is checked against (see bargaining.statutory)."""

    NONE = "", _("None")
    PIECE_RATE = "piece_rate", _("Piece rate x pieces per hour >= hourly minimum wage")
    HOURLY_WAGE = "hourly_wage", _("Hourly pay >= hourly minimum wage")
    MONTHLY_WAGE = "monthly_wage", _("Monthly pay >= monthly minimum wage")
    OVERTIME_MULTIPLE = "overtime_multiple", _("Extended hours paid >= 150 %")
    REST_DAY_MULTIPLE = "rest_day_multiple", _("Rest-day work paid >= 200 %")
    HOLIDAY_MULTIPLE = "holiday_multiple", _("Holiday work paid >= 300 %")
    BREAK_MINUTES = "break_minutes", _("Break after 4 h online >= 20 minutes")
    LABOUR_QUOTA = "labour_quota", _("Daily quota feasible for nine in ten workers")
    INSURANCE_SUBSIDY = "insurance_subsidy", _("Accident-insurance subsidy <= 100 yuan a year")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TENTATIVE = "tentative", _("Tentatively agreed")
    AGREED = "agreed", _("Agreed")


class AgendaItem(models.Model):
    """One point on the agenda, with the kind of value both sides offer on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    value_kind = models.CharField(_("kind of value"), max_length=10, choices=ValueKind.choices)
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("e.g. yuan/order, yuan/hour, minutes")
    )
    statutory_check = models.CharField(
        _("statutory check"),
        max_length=30,
        choices=StatutoryCheck.choices,
        blank=True,
        default=StatutoryCheck.NONE,
    )
    expected_per_hour = models.DecimalField(
        _("expected pieces per hour"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a piece rate: the pieces a worker is expected to complete in an hour"),
    )
    throughput_sample = models.JSONField(
        _("worker throughput sample (pieces per hour)"),
        default=list,
        blank=True,
        help_text=_("Anonymised throughput of workers in the post, for the quota check"),
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    agreed_value = models.JSONField(_("agreed value"), null=True, blank=True)
    agreed_text = models.CharField(_("agreed value (text)"), max_length=500, blank=True)
    agreed_override = models.TextField(
        _("legal-floor override"),
        blank=True,
        help_text=_("Reason given when the agreed value breaks a legal floor"),
    )
    agreed_offer = models.ForeignKey(
        "Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_numeric(self) -> bool:
        return self.value_kind in NUMERIC_KINDS


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A meeting; chaired by the chiefs in turn (union side chairs odd rounds)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField(_("number"))
    chair_side = models.CharField(_("chaired by"), max_length=10, choices=Side.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="bargaining_round_number"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="bargaining_one_open_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.number}"


class Offer(models.Model):
    """One side's position on one item in one round. Append-only."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="offers")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="offers")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    value = models.JSONField(_("value"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    findings = models.JSONField(_("statutory findings"), default=list, blank=True)
    breaks_floor = models.BooleanField(_("breaks a legal floor"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"


class Audience(models.TextChoices):
    TABLE = "table", _("Table")
    UNION_CAUCUS = "union_caucus", _("Union caucus")
    EMPLOYER_CAUCUS = "employer_caucus", _("Employer caucus")


class Event(models.Model):
    """The append-only event log of a case; ``seq`` is monotonic per case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.TABLE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="bargaining_event_seq"),
        ]
        indexes = [models.Index(fields=["case", "audience", "seq"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"


class CommandReceipt(models.Model):
    """A client command already applied: a repeated ``client_id`` repeats the ack."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="bargaining_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} -> {self.case_id}#{self.seq}"


class MinimumWage(models.Model):
    """A region's statutory minimum wage (staff-editable; the seeded rows are examples)."""

    region_code = models.CharField(_("region code"), max_length=12)
    region_name = models.CharField(_("region"), max_length=100)
    monthly = models.DecimalField(_("monthly minimum (yuan)"), max_digits=8, decimal_places=2)
    hourly = models.DecimalField(_("hourly minimum (yuan)"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"], name="bargaining_min_wage_unique"
            ),
            models.CheckConstraint(
                condition=Q(monthly__gt=Decimal("0")) & Q(hourly__gt=Decimal("0")),
                name="bargaining_min_wage_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_name} ({self.region_code}) {self.effective_from}"
