"""Reads of complaints: who may see which complaint, and the anonymised patterns."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from bargaining.consultations.models import normalise_company
from bargaining.models import Case, Representative
from legalaid.complaints.deadlines import SHANGHAI
from legalaid.complaints.models import Complaint
from unionhome.core import roles
from unionhome.core.errors import NotFound

# The company side hears of a complaint only once the union takes it up with the company.
COMPANY_FACING_ACTIONS = ("mediation", "supervision")


def handled_union_ids(user) -> set[int]:
    """Unions whose complaints a user handles: those they are staff of, and below. Federation
    staff without a union link see statistics only, not the cases."""
    if not getattr(user, "is_authenticated", False):
        return set()
    roots = set(user.union_staff_links.values_list("union_id", flat=True))
    return roles.union_subtree_ids(roots) if roots else set()


def is_handler(*, user, complaint: Complaint) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return complaint.officer_id == user.pk or complaint.union_id in handled_union_ids(user)


def is_company_side(*, user, complaint: Complaint) -> bool:
    if complaint.action not in COMPANY_FACING_ACTIONS:
        return False
    return normalise_company(complaint.company) in roles.company_names(user)


def viewer_role(*, user, complaint: Complaint) -> str | None:
    """'member', 'handler' or 'company' — or None when the complaint is not visible."""
    if not getattr(user, "is_authenticated", False):
        return None
    if complaint.member_id == user.pk:
        return "member"
    if is_handler(user=user, complaint=complaint):
        return "handler"
    if is_company_side(user=user, complaint=complaint):
        return "company"
    return None


def complaint_get(*, user, complaint_id: int) -> tuple[Complaint, str]:
    """The complaint and the caller's role; NotFound when it is not theirs to see."""
    complaint = (
        Complaint.objects.select_related("member", "union", "officer", "booking")
        .filter(pk=complaint_id)
        .first()
    )
    role = viewer_role(user=user, complaint=complaint) if complaint else None
    if role is None:
        raise NotFound(_("Complaint not found."))
    return complaint, role


def complaints_of_member(user) -> QuerySet[Complaint]:
    return Complaint.objects.filter(member=user)


def complaints_for_desk(user) -> QuerySet[Complaint]:
    """The union's open and recent complaints for its staff and officers."""
    return (
        Complaint.objects.filter(Q(union_id__in=handled_union_ids(user)) | Q(officer=user))
        .select_related("officer", "union")
        # Untriaged first (by deadline), then the rest, newest first.
        .order_by(F("assigned_at").asc(nulls_first=True), "triage_due", "-submitted_at")
    )


def complaints_for_company(user) -> list[Complaint]:
    names = roles.company_names(user)
    if not names:
        return []
    return [
        c
        for c in Complaint.objects.filter(action__in=COMPANY_FACING_ACTIONS)
        if normalise_company(c.company) in names
    ]


def member_identity(*, complaint: Complaint, role: str) -> dict | None:
    """Name, phone and masked ID of the complainant, or None when the viewer may not know.

    The company side learns who complained only when the member allowed it."""
    if role == "company" and not complaint.disclose_identity:
        return None
    membership = roles.active_membership(complaint.member)
    return {
        "name": membership.full_name if membership else complaint.member.get_full_name(),
        "phone": membership.phone if membership else "",
        "id_number": membership.id_number_masked if membership else "",
    }


def patterns(*, union_ids: set[int] | None = None, company: str | None = None) -> dict:
    """Anonymised counts by company, category and month (no names, no texts)."""
    qs = Complaint.objects.all()
    if union_ids is not None:
        qs = qs.filter(union_id__in=union_ids)
    rows = list(qs.values("company", "category", "submitted_at"))
    if company is not None:
        wanted = normalise_company(company)
        rows = [row for row in rows if normalise_company(row["company"]) == wanted]
    by_company: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for row in rows:
        by_company[row["company"].strip()] = by_company.get(row["company"].strip(), 0) + 1
        by_category[row["category"]] = by_category.get(row["category"], 0) + 1
        month = row["submitted_at"].astimezone(SHANGHAI).strftime("%Y-%m")
        by_month[month] = by_month.get(month, 0) + 1

    def ranked(counts):
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    return {
        "total": len(rows),
        "by_company": ranked(by_company),
        "by_category": ranked(by_category),
        "by_month": sorted(by_month.items()),
    }


def negotiates_with(*, user, company: str) -> bool:
    """Whether the user sits on the union side of a bargaining case with this company."""
    wanted = normalise_company(company)
    employers = Representative.objects.filter(user=user, side="union", active=True).values_list(
        "case__employer", flat=True
    )
    return any(normalise_company(name) == wanted for name in employers)


def known_companies() -> list[str]:
    """Companies the union bargains with: suggestions for the complaint form."""
    return sorted(set(Case.objects.values_list("employer", flat=True)))
