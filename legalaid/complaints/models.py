"""Rights complaints (维权投诉): what a member files, the union's handling steps, evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionhome.core.storage import private_storage as core_private_storage


def private_storage():
    # The project's private storage (outside MEDIA_ROOT, no URL): only the permission-checked
    # download views serve evidence. Kept as this module's callable for the migration.
    return core_private_storage()


def evidence_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never in the path.
    return f"complaints/{instance.complaint_id}/{uuid.uuid4().hex}"


class Category(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    DEDUCTION_OR_FINE = "deduction_or_fine", _("Unlawful deduction or fine")
    ACCOUNT_PENALTY = "account_penalty", _("Account suspension or algorithmic penalty")
    INJURY_NOT_COVERED = "injury_not_covered", _("Injury not covered")
    HOURS_OR_REST = "hours_or_rest", _("Excessive hours or no rest")
    UNSAFE_CONDITIONS = "unsafe_conditions", _("Unsafe conditions")
    DISCRIMINATION = "discrimination", _("Discrimination")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Officer assigned")
    IN_ACTION = "in_action", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


class Action(models.TextChoices):
    ADVICE = "advice", _("Advice")
    MEDIATION = "mediation", _("Mediation with the company")
    LEGAL_AID = "legal_aid", _("Referred to legal aid")
    LABOUR_INSPECTION = "labour_inspection", _("Referred to labour inspection")
    SUPERVISION = "supervision", _("Labour-law supervision notice")


class Complaint(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("member"),
    )
    union = models.ForeignKey(
        "unionhome.Union",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("union"),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    company = models.CharField(_("company"), max_length=200)
    description = models.TextField(_("what happened"))
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    wants = models.TextField(_("what you want"), blank=True)
    disclose_identity = models.BooleanField(
        _("the union may tell the company who I am"), default=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    triage_due = models.DateTimeField(_("triage due"))
    triage_reminded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("triage reminder sent at")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
        verbose_name=_("officer"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    advice = models.TextField(_("advice"), blank=True)
    settlement = models.TextField(_("agreed settlement"), blank=True)
    settlement_honoured = models.BooleanField(_("settlement honoured"), null=True, blank=True)
    booking = models.ForeignKey(
        "legalaid.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("legal-aid consultation"),
    )
    inspection_referred_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("referred to labour inspection at")
    )
    notice_issued_at = models.DateTimeField(_("notice issued at"), null=True, blank=True)
    notice_text = models.TextField(_("supervision opinion"), blank=True)
    notice_reply_due = models.DateField(_("reply due"), null=True, blank=True)
    notice_reply = models.TextField(_("company's reply"), blank=True)
    notice_replied_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("notice answered at")
    )
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    rating = models.PositiveSmallIntegerField(_("member's rating"), null=True, blank=True)
    rating_comment = models.TextField(blank=True, verbose_name=_("rating comment"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.company}"


class Evidence(models.Model):
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("complaint")
    )
    file = models.FileField(
        upload_to=evidence_path, storage=private_storage, verbose_name=_("file")
    )
    original_name = models.CharField(max_length=200, verbose_name=_("original file name"))
    content_type = models.CharField(max_length=50, verbose_name=_("file type"))
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Step(models.Model):
    """An append-only entry of the complaint's timeline, which the member follows."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Complaint received")
        ASSIGNED = "assigned", _("Officer assigned")
        ADVICE = "advice", _("Advice given")
        MEDIATION = "mediation", _("Mediation started")
        MEETING = "meeting", _("Mediation meeting")
        SETTLEMENT = "settlement", _("Settlement agreed")
        HONOURED = "honoured", _("Settlement honoured?")
        LEGAL_AID = "legal_aid", _("Referred to legal aid")
        INSPECTION = "inspection", _("Referred to labour inspection")
        NOTICE = "notice", _("Supervision notice issued")
        REPLY = "reply", _("Company replied")
        RESOLVED = "resolved", _("Resolved")
        RATED = "rated", _("Rated by the member")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="steps", verbose_name=_("complaint")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("step type"))
    detail = models.TextField(blank=True, verbose_name=_("detail"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"
