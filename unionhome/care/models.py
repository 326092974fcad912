"""Care: the hardship file (困难职工档案) and warmth campaigns (夏送清凉 / 冬送温暖).

A hardship file belongs to one member and is scoped to the union of the membership it was
opened under: only that union's staff (and federation staff) ever see it. The rules that
must hold whatever the concurrency are database constraints: one open file per member, one
claim row per (campaign, member, ordinal), stock never below zero.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Cause(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    WORK_INJURY = "work_injury", _("Work injury")
    FAMILY_ILLNESS = "family_illness", _("Illness of a family member")
    DISASTER = "disaster", _("Disaster or accident")
    SINGLE_PARENT = "single_parent", _("Single-parent family")
    SCHOOLING = "schooling", _("Children's schooling")
    OTHER = "other", _("Other")


class FileStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VISITED = "visited", _("Visited")
    REGISTERED = "registered", _("Registered")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed (not re-checked)")
    CLOSED = "closed", pgettext_lazy("hardship file status", "Closed")


# A member may hold one of these at a time; the partial unique constraint enforces it.
OPEN_STATUSES = (FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.REGISTERED)


class AidKind(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")
    MEDICAL = "medical", _("Medical aid")
    EDUCATION = "education", _("Education aid")
    FESTIVAL_VISIT = "festival_visit", _("Festival visit")


class HardshipLevel(models.Model):
    """A level of the union's hardship criteria; staff edit the wording, codes stay fixed."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    criteria = models.TextField(_("criteria"), help_text=_("Who belongs at this level"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hardship level")
        verbose_name_plural = _("hardship levels")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SubsistenceLine(models.Model):
    """The local minimum-subsistence line (低保标准) per region, per person and month."""

    region = models.CharField(_("region"), max_length=100, unique=True)
    monthly_per_person = models.DecimalField(
        _("yuan per person and month"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("The notice that sets the figure")
    )
    is_example = models.BooleanField(
        _("example figure"), default=False, help_text=_("Demo data, not an official figure")
    )

    class Meta:
        verbose_name = _("subsistence line")
        verbose_name_plural = _("subsistence lines")
        ordering = ["region"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_per_person__gte=0), name="care_subsistence_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.monthly_per_person}"


class HardshipFile(models.Model):
    """One member's hardship application and, once registered, their file."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    membership = models.ForeignKey(
        "unionhome.Membership",
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    # Denormalised from the membership: scoping by union is the query every read makes.
    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    household_size = models.PositiveSmallIntegerField(_("household size"))
    income_per_head = models.DecimalField(
        _("monthly household income per head (yuan)"), max_digits=10, decimal_places=2
    )
    # The line in force when the member applied, kept so the comparison stays explainable.
    subsistence_line = models.DecimalField(
        _("subsistence line at application"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    description = models.TextField(_("description"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=20, choices=FileStatus.choices, default=FileStatus.SUBMITTED
    )
    level = models.ForeignKey(
        HardshipLevel,
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    recheck_due = models.DateField(_("re-check due"), null=True, blank=True)
    # The due date the staff were last reminded of: the reminder goes out once per due date.
    recheck_reminded_for = models.DateField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["submitted", "visited", "registered"]),
                name="care_one_open_file_per_member",
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1, household_size__lte=30),
                name="care_household_size_range",
            ),
            models.CheckConstraint(
                condition=Q(income_per_head__gte=0), name="care_income_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(level__isnull=False),
                name="care_registered_has_level",
            ),
        ]
        indexes = [models.Index(fields=["status", "recheck_due"], name="care_file_recheck_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_cause_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def below_line(self) -> bool | None:
        if self.subsistence_line is None:
            return None
        return self.income_per_head < self.subsistence_line


def private_storage():
    """Hardship documents are not public media: they live outside MEDIA_ROOT and are served
    only by the views that check who may read the file."""
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "private", base_url=None)


def document_path(instance, filename: str) -> str:
    # Random names: the original name never reaches the disk or a URL.
    return f"care/documents/{uuid.uuid4().hex}"


class HardshipDocument(models.Model):
    """An image or PDF supporting an application (diagnosis, certificate, income proof)."""

    file = models.ForeignKey(
        HardshipFile,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("hardship file"),
    )
    content = models.FileField(
        upload_to=document_path, storage=private_storage, max_length=200, verbose_name=_("file")
    )
    original_name = models.CharField(max_length=200, verbose_name=_("original file name"))
    content_type = models.CharField(max_length=50, verbose_name=_("file type"))
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class HardshipVisit(models.Model):
    """A home or station visit: who went, when, what they found."""

    file = models.ForeignKey(
        HardshipFile,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("hardship file"),
    )
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("what was found"), max_length=4000)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.visited_on}"


class HardshipAid(models.Model):
    """Help given to a registered file."""

    file = models.ForeignKey(
        HardshipFile, on_delete=models.CASCADE, related_name="aid", verbose_name=_("hardship file")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AidKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    given_on = models.DateField(_("given on"))
    fund = models.CharField(_("fund source"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aid")
        verbose_name_plural = _("aid")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="care_aid_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class HardshipEvent(models.Model):
    """The file's audit trail: every change and every read by staff, with who did it."""

    class Kind(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DOCUMENT = "document", _("Document added")
        VISITED = "visited", _("Visited")
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Declined")
        AID = "aid", _("Aid given")
        RECHECKED = "rechecked", _("Re-checked")
        REMINDED = "reminded", _("Re-check reminder sent")
        LAPSED = "lapsed", _("Lapsed")
        CLOSED = "closed", pgettext_lazy("hardship file status", "Closed")
        READ = "read", _("Read by staff")
        EXPORTED = "exported", _("Exported")

    file = models.ForeignKey(
        HardshipFile,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("hardship file"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("event type"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    detail = models.CharField(max_length=500, blank=True, verbose_name=_("detail"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hardship file event")
        verbose_name_plural = _("hardship file events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.kind}"


# Warmth campaigns live in their own module; imported here so Django registers them.
from unionhome.care.campaign_models import (  # noqa: E402, F401
    CampaignKind,
    CampaignStation,
    Claim,
    ClaimMethod,
    WarmthCampaign,
)


class ActivityKind(models.TextChoices):
    TALK = "talk", _("Mental-health talk")
    TRAINING = "training", _("Skills training")
    WORKERS_HOME = "workers_home", _("Workers' home activity")


class Activity(models.Model):
    """A talk, a training or a workers' home activity, at a station or online."""

    union = models.ForeignKey(
        "unionhome.Union", verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    station = models.ForeignKey(
        "legalaid.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="care_activity_times"
            ),
            models.CheckConstraint(
                condition=Q(station__isnull=False) | ~Q(online_url=""),
                name="care_activity_has_place",
                violation_error_message=_("Choose a station or give the online link."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="care_activity_capacity"),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_registrations",
        verbose_name=_("member"),
    )
    status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked in at"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded at"))

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=~Q(status="cancelled"),
                name="care_one_registration_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.member_id} {self.status}"
