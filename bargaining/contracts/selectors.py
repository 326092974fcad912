"""Reads: who may see or download a case's contract, minutes and filing package."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining.contracts import deadlines
from bargaining.contracts.content import data_from_json
from bargaining.contracts.models import Contract, ContractVersion
from bargaining.legal_sources import citation, guide_url
from bargaining.models import Case, CaseStatus, Side
from bargaining.selectors import Viewer, case_viewer
from unionhome.ballots.models import VoterRoster
from unionhome.core import roles
from unionhome.core.errors import NotFound

CS = CaseStatus
# Members of the union may read the contract once the members have ratified it.
MEMBER_STATUSES = (
    CS.RATIFIED,
    CS.SIGNED,
    CS.FILED,
    CS.IN_FORCE,
    CS.EXPIRING,
    CS.EXPIRED,
)
IN_FORCE_STATUSES = (CS.IN_FORCE, CS.EXPIRING)
# Statuses in which the signed document (not the draft) exists.
SIGNED_STATUSES = (CS.SIGNED, CS.FILED, CS.IN_FORCE, CS.OBJECTED, CS.EXPIRING, CS.EXPIRED)

NO_CONTRACT = "no_contract"


def _not_found():
    return NotFound(_("No such bargaining case."))


def _case(case_id) -> Case:
    try:
        return Case.objects.select_related("union").get(pk=int(case_id))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise _not_found() from None


def is_member_of(user, case: Case) -> bool:
    membership = roles.active_membership(user)
    return membership is not None and membership.union_id == case.union_id


def case_for_contract(*, user, case_id) -> tuple[Case, Viewer]:
    """The case if the user may read its contract: the representatives, the recorder and
    the union's staff always; the union's members once it is ratified. Else 404."""
    case = _case(case_id)
    viewer = case_viewer(user=user, case=case)
    if viewer.can_see:
        return case, viewer
    if case.status in MEMBER_STATUSES and is_member_of(user, case):
        return case, viewer
    raise _not_found()


def case_for_records(*, user, case_id) -> tuple[Case, Viewer]:
    """Minutes and the filing package: the representatives, recorder and staff only."""
    case = _case(case_id)
    viewer = case_viewer(user=user, case=case)
    if not viewer.can_see:
        raise _not_found()
    return case, viewer


def contract_of(case: Case) -> Contract | None:
    return Contract.objects.filter(case=case).select_related("ballot").first()


def latest_version(contract: Contract, language: str) -> ContractVersion | None:
    return contract.versions.filter(language=language).order_by("-number").first()


def contract_version_for_download(*, case: Case, language: str) -> ContractVersion:
    contract = contract_of(case)
    version = latest_version(contract, language) if contract else None
    if version is None:
        raise NotFound(_("No contract has been drafted for this case yet."), NO_CONTRACT)
    return version


def contracts_in_force_for(*, user) -> list[Contract]:
    """The contracts in force for the union of the user's active membership."""
    membership = roles.active_membership(user)
    if membership is None:
        return []
    return list(
        Contract.objects.filter(
            case__union_id=membership.union_id, case__status__in=IN_FORCE_STATUSES
        )
        .select_related("case", "case__union")
        .order_by("-effective_on")
    )


@dataclass
class Deadline:
    label: str
    due: dt.date
    days_left: int
    # The article the deadline comes from (a key of bargaining.legal_sources.SOURCES).
    source_key: str = ""

    @property
    def source(self) -> str:
        return citation(self.source_key)

    @property
    def source_url(self) -> str:
        return guide_url(self.source_key)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= deadlines.FILING_REMINDER_DAYS


def contract_deadlines(*, case: Case, contract: Contract | None, now=None) -> list[Deadline]:
    """The dates that matter now, with the days left (in Shanghai)."""
    if contract is None:
        return []
    today = deadlines.local_date(now or timezone.now())
    rows = []
    if case.status == CS.SIGNED and contract.filing_due:
        rows.append(
            Deadline(_("File with the labour administration by"), contract.filing_due, 0, "ccp_42")
        )
    if case.status == CS.FILED and contract.objection_due:
        rows.append(Deadline(_("Objection period ends"), contract.objection_due, 0, "ccp_47"))
    if case.status == CS.RATIFICATION and contract.ballot_id:
        closes = deadlines.local_date(contract.ballot.closes_at)
        rows.append(Deadline(_("The vote on the draft closes"), closes, 0, "ccp_36"))
    if case.status == CS.IN_FORCE and contract.renewal_opens_on:
        rows.append(
            Deadline(_("Renewal may be requested from"), contract.renewal_opens_on, 0, "ccp_38")
        )
    if case.status in IN_FORCE_STATUSES and contract.expires_on:
        rows.append(Deadline(_("Expires on"), contract.expires_on, 0, "ccp_38"))
    for row in rows:
        row.days_left = (row.due - today).days
    return rows


@dataclass
class Actions:
    draft: bool = False
    submit: bool = False
    record_result: bool = False
    sign: bool = False
    file: bool = False
    object: bool = False
    resume: bool = False
    renew: bool = False


def contract_actions(*, case: Case, viewer: Viewer, contract: Contract | None) -> Actions:
    """Which lifecycle buttons to show (the services check again when pressed)."""
    chief_or_staff = viewer.is_chief or viewer.is_observer
    status = case.status
    signed_own = bool(contract and viewer.side and contract.signed_at_for(viewer.side))
    return Actions(
        draft=chief_or_staff and status in (CS.AGREED, CS.DRAFT),
        submit=status == CS.DRAFT
        and (viewer.is_observer or (viewer.is_chief and viewer.side == Side.UNION)),
        record_result=chief_or_staff and status == CS.RATIFICATION,
        sign=viewer.is_chief and status == CS.RATIFIED and not signed_own,
        file=status == CS.SIGNED and (viewer.side == Side.EMPLOYER or viewer.is_observer),
        object=status == CS.FILED and (viewer.side == Side.EMPLOYER or viewer.is_observer),
        resume=chief_or_staff and status in (CS.REJECTED, CS.OBJECTED),
        # Art. 38 gives the right in the last three months; art. 32 allows asking earlier.
        renew=status in (CS.IN_FORCE, CS.EXPIRING)
        and (viewer.is_representative or viewer.is_observer)
        and not (contract and contract.renewal_case_id),
    )


def rosters_for(*, case: Case) -> list:
    """The union's rosters of covered workers, newest first, with their size."""
    return list(
        VoterRoster.objects.filter(union_id=case.union_id).annotate(size=Count("voters"))[:20]
    )


def contract_text(*, case: Case, contract: Contract | None, language: str):
    """What the latest version says (its snapshot), so the page shows the same articles as
    the document; None before any version exists."""

    if contract is None:
        return None
    version = latest_version(contract, language)
    if version is None or not version.content:
        return None
    return data_from_json(version.content)
