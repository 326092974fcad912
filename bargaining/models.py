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

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    title_en = models.CharField(
        _("English title"),
        max_length=200,
        blank=True,
        help_text=_("Used on English pages and documents"),
    )
    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="bargaining_cases",
    )
    employer = models.CharField(_("employer"), max_length=200)
    employer_en = models.CharField(_("employer's English name"), max_length=200, blank=True)
    # Collective Contract Provisions art. 21: the employer's chief is its legal representative
    # or someone the legal representative delegates in writing.
    employer_legal_representative = models.CharField(
        _("employer's legal representative"), max_length=100, blank=True
    )
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
    # Collective Contract Provisions art. 32: the 20 days run from the day the other side
    # RECEIVED the request. Defaults to the sending day; staff correct it with a reason.
    request_received_on = models.DateField(_("request received on"), null=True, blank=True)
    request_received_note = models.CharField(
        _("reason for the corrected receipt date"), max_length=500, blank=True
    )
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=10, choices=RequestAnswer.choices, default=RequestAnswer.PENDING
    )
    answer_reason = models.TextField(_("reason for refusal"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_late = models.BooleanField(_("answered after the 20 days"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
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
    union_confirmed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("union confirmed at")
    )
    employer_confirmed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("employer confirmed at")
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    # Open session (bargaining/watching.py): each chief consents; with both, the table (never
    # a caucus) is open to the members of the covered union, read-only.
    watch_union_consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    watch_employer_consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    watch_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    watch_shows_names = models.BooleanField(
        _("show negotiators' names to watching members"),
        default=False,
        help_text=_("Otherwise members see only which side made each offer or remark."),
    )
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


class Delegation(models.Model):
    """A written delegation of a chief's seat (Collective Contract Provisions arts. 20-21):
    the union chair, or the employer's legal representative, names someone else chief."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="delegations",
        verbose_name=_("bargaining case"),
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    delegator = models.CharField(
        _("delegated by"),
        max_length=100,
        help_text=_("The union chair, or the employer's legal representative"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_reference = models.CharField(_("written delegation (reference)"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("written delegation")
        verbose_name_plural = _("written delegations")
        ordering = ["case", "side", "-id"]

    def __str__(self) -> str:
        return f"{self.delegator} -> {self.delegate}"


class Representative(models.Model):
    """A person representing one side in one case. Rows are kept when removed (history)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("bargaining case"),
    )
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
    # Collective Contract Provisions art. 23: a side may bring outside experts, at most one
    # third of its representatives, and never as chief.
    external = models.BooleanField(_("outside expert"), default=False)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))

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
    # City plan §2: platforms must reasonably control online working time (daily caps,
    # forced rest); feeds the "working hours" chapter of the contract.
    HOURS = "hours", _("Working hours and online time")
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
    BREAK_MINUTES = "break_minutes", _("Break of >= 20 minutes within 4 h online (plan §2)")
    LABOUR_QUOTA = "labour_quota", _("Daily quota feasible for nine in ten workers")
    # Plan §3: an information note on the public subsidy (it caps nothing a platform pays).
    INSURANCE_SUBSIDY = "insurance_subsidy", _("Accident insurance (note on the public subsidy)")


class Covers(models.TextChoices):
    """Which workers an item (and its contract clause) covers (city plan §1). Labour Law
    art. 44 binds only for workers in a labour relationship."""

    ALL = "all", _("All workers covered by the contract")
    LABOUR_CONTRACT = "labour_contract", _("Workers with a labour contract")
    WRITTEN_AGREEMENT = "written_agreement", _("Workers with a written rights agreement")
    INDEPENDENT = "independent", _("Independent workers")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TENTATIVE = "tentative", _("Tentatively agreed")
    AGREED = "agreed", _("Agreed")


class AgendaItem(models.Model):
    """One point on the agenda, with the kind of value both sides offer on it."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="items", verbose_name=_("bargaining case")
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        _("English title"), max_length=200, blank=True, help_text=_("Used in the English contract")
    )
    description = models.TextField(_("description"), blank=True)
    value_kind = models.CharField(_("kind of value"), max_length=10, choices=ValueKind.choices)
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("e.g. yuan/order, yuan/hour, minutes")
    )
    unit_en = models.CharField(
        _("English unit"),
        max_length=30,
        blank=True,
        help_text=_("Leave empty for the usual units (元/单 becomes yuan/order)"),
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
    covers = models.CharField(
        _("workers covered"), max_length=20, choices=Covers.choices, default=Covers.ALL
    )
    break_after_hours = models.DecimalField(
        _("break after hours online"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a break item: after how many hours of continuous online work"),
    )
    compensatory_rest = models.BooleanField(
        _("compensatory rest given"),
        default=False,
        help_text=_("For rest-day pay: compensatory rest is given (Labour Law art. 44)"),
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    agreed_value = models.JSONField(_("agreed value"), null=True, blank=True)
    agreed_text = models.CharField(_("agreed value (text)"), max_length=500, blank=True)
    agreed_value_en = models.CharField(
        _("agreed value in English"),
        max_length=500,
        blank=True,
        help_text=_("For a text item: the agreed wording as the English contract prints it"),
    )
    agreed_override = models.TextField(
        _("legal-floor override"),
        blank=True,
        help_text=_("Reason given when the agreed value breaks a legal floor"),
    )
    agreed_offer = models.ForeignKey(
        "Offer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agreed offer"),
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
    CLOSED = "closed", pgettext_lazy("round status", "Closed")


class Round(models.Model):
    """A meeting; chaired by the chiefs in turn (union side chairs odd rounds)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("bargaining case")
    )
    number = models.PositiveIntegerField(_("number"))
    chair_side = models.CharField(_("chaired by"), max_length=10, choices=Side.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
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

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="offers", verbose_name=_("agenda item")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="offers", verbose_name=_("round")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    value = models.JSONField(_("value"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
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

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("bargaining case")
    )
    seq = models.PositiveIntegerField(verbose_name=_("sequence number"))
    kind = models.CharField(max_length=40, verbose_name=_("event type"))
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.TABLE, verbose_name=_("audience")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    round = models.ForeignKey(
        Round,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=pgettext_lazy("bargaining round", "round"),
    )
    payload = models.JSONField(default=dict, verbose_name=_("data"))
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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    client_id = models.CharField(max_length=64, verbose_name=_("client command id"))
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("bargaining case")
    )
    seq = models.PositiveIntegerField(verbose_name=_("event sequence number"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("command receipt")
        verbose_name_plural = _("command receipts")
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="bargaining_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} -> {self.case_id}#{self.seq}"


# The legal reference tables staff keep (minimum wages, holiday overrides) live in their own
# module; they are imported here so that ``bargaining.models`` names every model of the app.
from bargaining.reference_data import DayKind, HolidayOverride, MinimumWage  # noqa: E402, F401
