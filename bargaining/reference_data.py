"""The legal reference data staff keep up to date for the bargaining checks: regional minimum
wages and overrides of the holiday calendar."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off (public holiday)")
    WORKDAY = "workday", _("Working day (adjusted, 调休)")


class HolidayOverride(models.Model):
    """A day the official calendar (the ``chinese-calendar`` package, which carries the State
    Council's yearly arrangement) does not have yet, or has wrong: staff enter the new year's
    arrangement here as soon as it is published. An entry wins over the package."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 春节"))
    statutory = models.BooleanField(
        _("statutory holiday"),
        default=False,
        help_text=_(
            "One of the statutory holidays of the Regulations on National Annual Holidays "
            "(paid at 300 percent under Labour Law art. 44), not a bridged day off."
        ),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("e.g. 国办发明电〔2026〕X号")
    )

    class Meta:
        verbose_name = _("holiday calendar entry")
        verbose_name_plural = _("holiday calendar entries")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="holiday") | Q(statutory=False),
                name="holiday_override_statutory_is_holiday",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"
