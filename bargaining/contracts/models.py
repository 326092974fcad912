"""Collective contracts: the wording staff edit, the contract of a case and its versions.

The case's ``status`` (bargaining.CaseStatus) is the lifecycle state; ``Contract`` holds what
each step recorded (who signed and when, filing, objection, term) and ``ContractVersion``
keeps every generated document.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bargaining.models import CaseStatus, Side, Topic, ValueKind


class DocumentLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class ChapterKey(models.TextChoices):
    """The chapters of a contract, in statutory order (see docx_builder.CHAPTER_ORDER)."""

    GENERAL = "general", _("General provisions")
    PAY = "pay", _("Pay")
    HOURS = "hours", _("Working hours")
    REST = "rest", _("Rest and leave")
    SAFETY = "safety", _("Labour safety and health")
    INSURANCE_WELFARE = "insurance_welfare", _("Supplementary insurance and welfare")
    WOMEN_MINORS = "women_minors", _("Special protection of women and minor workers")
    TRAINING = "training", _("Vocational training")
    CONTRACT_MANAGEMENT = "contract_management", _("Labour-contract management")
    REWARDS_PENALTIES = "rewards_penalties", _("Rewards and penalties")
    LAYOFFS = "layoffs", _("Lay-offs")
    TERM = "term", _("Term of the contract")
    AMENDMENT = "amendment", _("Amendment, termination and renewal")
    DISPUTES = "disputes", _("Dispute handling")
    LIABILITY = "liability", _("Liability for breach")
    OTHER = "other", _("Other matters")
    SUPPLEMENTARY = "supplementary", _("Supplementary provisions")


class RatifyingBody(models.TextChoices):
    """Collective Contract Provisions art. 36: the bodies that may adopt a draft contract."""

    CONGRESS = "congress", _("Workers' congress")
    COVERED_WORKERS = "covered_workers", _("All covered workers")


class WordingTemplate(models.Model):
    """How an agreed item reads in the contract, per topic and kind of value, per language."""

    language = models.CharField(
        _("language"), max_length=10, choices=DocumentLanguage.choices, default="zh-hans"
    )
    topic = models.CharField(
        _("topic"),
        max_length=30,
        choices=Topic.choices,
        blank=True,
        help_text=_("Leave empty for a template that applies to every topic."),
    )
    value_kind = models.CharField(
        _("kind of value"),
        max_length=10,
        choices=ValueKind.choices,
        blank=True,
        help_text=_("Leave empty for a template that applies to every kind of value."),
    )
    chapter = models.CharField(
        _("chapter"),
        max_length=30,
        choices=ChapterKey.choices,
        blank=True,
        help_text=_("Where the article goes; empty: the chapter of its topic."),
    )
    text = models.TextField(
        _("wording"),
        help_text=_(
            "A sentence with placeholders: {title}, {value}, {unit}, {note}, {employer}, "
            "{union}. Example: 甲方保证劳动者{title}不低于{value}{unit}。"
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract wording template")
        verbose_name_plural = _("contract wording templates")
        ordering = ["language", "topic", "value_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "topic", "value_kind"], name="contracts_one_wording"
            )
        ]

    def __str__(self) -> str:
        topic = self.get_topic_display() if self.topic else _("any topic")
        kind = self.get_value_kind_display() if self.value_kind else _("any kind")
        return f"[{self.get_language_display()}] {topic} / {kind}"


class StandardClause(models.Model):
    """A standing article every contract carries (general provisions, term, disputes...)."""

    language = models.CharField(
        _("language"), max_length=10, choices=DocumentLanguage.choices, default="zh-hans"
    )
    chapter = models.CharField(_("chapter"), max_length=30, choices=ChapterKey.choices)
    position = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(
        _("wording"),
        help_text=_("Placeholders: {employer}, {union}, {start}, {end}, {years}."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("standard clause")
        verbose_name_plural = _("standard clauses")
        ordering = ["language", "chapter", "position", "id"]

    def __str__(self) -> str:
        return f"[{self.get_language_display()}] {self.get_chapter_display()} {self.position}"


class Contract(models.Model):
    """The collective contract of one case: what each lifecycle step recorded."""

    case = models.OneToOneField(
        "bargaining.Case",
        on_delete=models.CASCADE,
        related_name="contract",
        verbose_name=_("bargaining case"),
    )
    title = models.CharField(_("title"), max_length=200)
    # Collective Contract Provisions art. 38: "一般为1至3年" (generally one to three years):
    # another term is possible but needs a chief's confirmation, recorded in ``term_note``.
    term_years = models.DecimalField(
        _("term (years)"), max_digits=4, decimal_places=2, default=Decimal("3")
    )
    term_note = models.CharField(
        _("reason for a term outside one to three years"), max_length=500, blank=True
    )
    # Collective Contract Provisions art. 36: who ratified (never the union's members alone).
    ratifying_body = models.CharField(
        _("ratified by"), max_length=20, choices=RatifyingBody.choices, blank=True
    )
    ballot = models.ForeignKey(
        "ballots.Ballot",
        verbose_name=_("ratification ballot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ratified_at = models.DateTimeField(_("ratified at"), null=True, blank=True)
    union_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed for the union by"),
    )
    union_signed_at = models.DateTimeField(_("signed by the union side at"), null=True, blank=True)
    employer_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed for the employer by"),
    )
    employer_signed_at = models.DateTimeField(
        _("signed by the employer side at"), null=True, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    filing_due = models.DateField(_("filing due"), null=True, blank=True)
    filing_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filing_reference = models.CharField(_("filing reference"), max_length=100, blank=True)
    # Collective Contract Provisions art. 47: the 15 days run from the day the labour
    # administration RECEIVED the text. Defaults to the filing day; staff correct it with a
    # reason (``filing_received_note``).
    filing_received_on = models.DateField(
        _("received by the labour administration on"), null=True, blank=True
    )
    filing_received_note = models.CharField(
        _("reason for the corrected receipt date"), max_length=500, blank=True
    )
    objection_due = models.DateField(_("objection period ends"), null=True, blank=True)
    objected_at = models.DateTimeField(_("objected at"), null=True, blank=True)
    objection = models.TextField(_("objection of the labour administration"), blank=True)
    # Collective Contract Provisions art. 46: only the items objected to are bargained again.
    objected_items = models.JSONField(_("items objected to"), default=list, blank=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    renewal_opens_on = models.DateField(_("renewal may be requested from"), null=True, blank=True)
    renewal_case = models.ForeignKey(
        "bargaining.Case",
        verbose_name=_("renewal case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renews",
    )
    renewal_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("renewal requested by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collective contract")
        verbose_name_plural = _("collective contracts")
        ordering = ["-id"]
        constraints = [
            # A term in whole months (art. 38 allows other terms than 1-3 years, see above).
            models.CheckConstraint(
                condition=Q(term_years__gt=0, term_years__lte=10), name="contracts_term_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def signed_by(self, side: str):
        return self.union_signed_by if side == Side.UNION else self.employer_signed_by

    def signed_at_for(self, side: str):
        return self.union_signed_at if side == Side.UNION else self.employer_signed_at


def version_upload_to(instance: ContractVersion, filename: str) -> str:
    return f"contracts/{instance.contract.case_id}/{filename}"


def private_storage():
    """Contracts are not public media: they live outside MEDIA_ROOT and are only served by
    the views that check who may read them."""
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "private", base_url=None)


class ContractVersion(models.Model):
    """One generated document. Every regeneration is kept; the hash shows what changed."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="versions", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(
        _("language"), max_length=10, choices=DocumentLanguage.choices, default="zh-hans"
    )
    case_status = models.CharField(_("case status when generated"), max_length=20)
    file = models.FileField(
        _("file"), upload_to=version_upload_to, storage=private_storage, max_length=200
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # What the document says, as plain data: the web page shows exactly these articles.
    content = models.JSONField(_("content"), default=dict, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract", "-number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number", "language"], name="contracts_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number} ({self.get_language_display()})"

    @property
    def case_status_label(self) -> str:
        """The stored status code in words (the code stays as stored: it is a record)."""
        labels = dict(CaseStatus.choices)
        return str(labels.get(self.case_status, self.case_status))
