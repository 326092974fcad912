"""The audit log: an append-only record of sensitive actions.

Entries are written once by ``services.audit_record`` and never changed: ``save`` refuses an
existing row and ``delete`` (on a row or a queryset) refuses too. The only way rows leave is the
retention job (``retention.audit_expire``), which deletes entries past their period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    MEMBERSHIP_APPROVE = "membership.approve", _("Membership approved")
    MEMBERSHIP_REJECT = "membership.reject", _("Membership rejected")
    TRANSFER_APPROVE = "transfer.approve", _("Transfer approved")
    TRANSFER_REJECT = "transfer.reject", _("Transfer rejected")
    ID_NUMBER_VIEW = "id_number.view", _("Unmasked ID number viewed")
    DATA_EXPORT = "personal_data.export", _("Personal data exported")
    BALLOT_OPEN = "ballot.open", pgettext_lazy("audit action", "Ballot opened")
    BALLOT_CLOSE = "ballot.close", pgettext_lazy("audit action", "Ballot closed")
    CONTRACT_SIGN = "contract.sign", _("Contract signed")
    CONTRACT_FILE = "contract.file", _("Contract filed")
    CASE_READ = "legalaid.case_read", _("Legal-aid case read")
    CARE_FILE_READ = "care.file_read", _("Hardship file read")
    CARE_EXPORT = "care.export", _("Hardship files exported")


class AuditChangeRefused(Exception):
    """Raised on any attempt to change or delete an audit entry through the ORM."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditChangeRefused("audit entries cannot be changed")

    def delete(self):
        raise AuditChangeRefused("audit entries cannot be deleted")

    def expire(self) -> int:
        """Delete these rows for the retention job, bypassing the refusal above (no
        signals or cascades: nothing refers to an audit entry)."""
        return self._raw_delete(self.db)


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object ID"), max_length=40, blank=True)
    union = models.ForeignKey(
        "unionhome.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("union"),
    )
    # Short and free of personal data beyond what identifies the action (no names, no ID
    # numbers): the object ID points to the rest.
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditChangeRefused("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditChangeRefused("audit entries cannot be deleted")
