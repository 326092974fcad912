"""Reads of the care app: who may see a hardship file, the staff dashboard, the export.

A file is visible to its member and to staff of the member's union (which includes the unions
above it and federation staff); anyone else gets "not found", never "forbidden", so the
existence of a file is not revealed.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.care.models import (
    OPEN_STATUSES,
    CampaignStation,
    Claim,
    FileStatus,
    HardshipAid,
    HardshipFile,
    SubsistenceLine,
    WarmthCampaign,
)
from unionhome.core import roles
from unionhome.core.errors import NotFound
from unionhome.membership.models import mask_id_number


def is_file_staff(*, user, file: HardshipFile) -> bool:
    return roles.is_union_staff(user, file.union_id)


def files_visible_to_staff(*, user) -> QuerySet[HardshipFile]:
    return HardshipFile.objects.filter(union_id__in=roles.staffed_union_ids(user)).select_related(
        "level", "union", "membership", "member"
    )


def files_of_member(*, user) -> QuerySet[HardshipFile]:
    if not getattr(user, "is_authenticated", False):
        return HardshipFile.objects.none()
    return HardshipFile.objects.filter(member=user).select_related("level")


def open_file_of_member(*, user) -> HardshipFile | None:
    return files_of_member(user=user).filter(status__in=OPEN_STATUSES).first()


def file_get(*, user, file_id: int) -> HardshipFile:
    """The file if the user may read it (the member or their union's staff). Only reads:
    a staff read is recorded by ``services.hardship_read``."""
    file = (
        HardshipFile.objects.select_related("level", "union", "membership", "member")
        .filter(pk=file_id)
        .first()
    )
    if file is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Hardship file not found."))
    if file.member_id == user.pk:
        return file
    if not is_file_staff(user=user, file=file):
        raise NotFound(_("Hardship file not found."))
    return file


def subsistence_line_for(*, region: str) -> SubsistenceLine | None:
    """The most specific line for a region: "示范市浦江区" falls back to "示范市"."""
    lines = {line.region: line for line in SubsistenceLine.objects.all()}
    for length in range(len(region), 0, -1):
        found = lines.get(region[:length])
        if found is not None:
            return found
    return None


# --- dashboard -------------------------------------------------------------------------


def dashboard(*, user, today=None) -> dict:
    """Figures for the staff dashboard, limited to the unions the user runs."""
    today = today or timezone.localdate()
    files = HardshipFile.objects.filter(union_id__in=roles.staffed_union_ids(user))
    by_level = list(
        files.filter(status=FileStatus.REGISTERED)
        .values("level__name", "district")
        .annotate(n=Count("id"))
        .order_by("level__order", "district")
    )
    by_status = dict(files.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    aid = (
        HardshipAid.objects.filter(file__in=files)
        .annotate(month=TruncMonth("given_on"))
        .values("month", "fund")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("-month", "fund")
    )
    overdue = files.filter(status=FileStatus.REGISTERED, recheck_due__lt=today).select_related(
        "level"
    )
    due_soon = files.filter(
        status=FileStatus.REGISTERED,
        recheck_due__gte=today,
        recheck_due__lte=today + timezone.timedelta(days=30),
    ).select_related("level")
    return {
        "by_level": by_level,
        "by_status": by_status,
        "aid_by_month": list(aid),
        "aid_total": HardshipAid.objects.filter(file__in=files).aggregate(t=Sum("amount"))["t"]
        or Decimal("0"),
        "overdue": list(overdue),
        "due_soon": list(due_soon),
        "waiting": list(
            files.filter(status__in=[FileStatus.SUBMITTED, FileStatus.VISITED]).select_related(
                "membership"
            )
        ),
    }


def campaign_counts(*, user) -> list[dict]:
    """Claims per campaign, station and day for the unions the user runs."""
    return list(
        Claim.objects.filter(campaign__union_id__in=roles.staffed_union_ids(user))
        .annotate(day=TruncDate("claimed_at"))
        .values("campaign__title", "supply__station__name", "day")
        .annotate(members=Count("id", filter=Q(member__isnull=False)))
        .annotate(visitors=Count("id", filter=Q(member__isnull=True)))
        .order_by("-day", "campaign__title", "supply__station__name")
    )


# --- export ----------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ tab or CR as formulas: neutralise them."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_files(*, user) -> list[HardshipFile]:
    """The files of the federation report that this staff member may export."""
    return list(
        files_visible_to_staff(user=user).annotate(aid_total=Sum("aid__amount")).order_by("id")
    )


def export_csv(*, files: list[HardshipFile]) -> str:
    """The federation report: one row per file, ID numbers masked, every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("File"),
            _("Union"),
            _("District"),
            _("Name"),
            _("ID number"),
            _("Cause"),
            _("Household size"),
            _("Income per head"),
            _("Status"),
            _("Level"),
            _("Re-check due"),
            _("Aid total"),
        ]
    )
    for file in files:
        writer.writerow(
            [
                csv_cell(cell)
                for cell in (
                    file.pk,
                    file.union.name,
                    file.district,
                    file.membership.full_name,
                    mask_id_number(file.membership.id_number or ""),
                    file.get_cause_display(),
                    file.household_size,
                    file.income_per_head,
                    file.get_status_display(),
                    file.level.name if file.level else "",
                    file.recheck_due or "",
                    file.aid_total or 0,
                )
            ]
        )
    return out.getvalue()


# --- campaigns -------------------------------------------------------------------------


def campaigns_running(*, today=None) -> QuerySet[WarmthCampaign]:
    today = today or timezone.localdate()
    return WarmthCampaign.objects.filter(starts_on__lte=today, ends_on__gte=today).prefetch_related(
        "station_supplies__station"
    )


def campaigns_for_staff(*, user) -> QuerySet[WarmthCampaign]:
    return WarmthCampaign.objects.filter(
        union_id__in=roles.staffed_union_ids(user)
    ).prefetch_related("station_supplies__station")


def supply_get(*, campaign_id: int, station_id: int) -> CampaignStation:
    supply = (
        CampaignStation.objects.select_related("campaign", "station")
        .filter(campaign_id=campaign_id, station_id=station_id)
        .first()
    )
    if supply is None:
        raise NotFound(_("This campaign does not run at that station."))
    return supply


def claims_of_member(*, campaign: WarmthCampaign, member) -> int:
    return Claim.objects.filter(campaign=campaign, member=member).count()


def may_edit_shared_tables(user) -> bool:
    """The hardship levels and the regional subsistence lines are shared by every union:
    only federation staff change them (care/permissions.py); union staff read them."""
    return roles.is_federation_staff(user)
