"""What every step of the contract lifecycle shares: error codes, the case lock, permission
checks, the event log and the stored versions (services, drafting and filing use them)."""

from __future__ import annotations

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bargaining.contracts import documents
from bargaining.contracts.content import data_to_json
from bargaining.contracts.docx_builder import EN, ZH, build_contract
from bargaining.contracts.models import Contract, ContractVersion
from bargaining.models import AgendaItem, Case, CaseStatus, ItemStatus
from bargaining.selectors import Viewer, case_viewer
from bargaining.services import event_append
from unionhome.core.errors import Conflict, NotAllowed, NotFound
from unionhome.core.sms import send_sms

ITEMS_OPEN = "items_open"
CASE_STATUS = "case_status"
NOT_RATIFIED = "not_ratified"
ALREADY_SIGNED = "already_signed"
BALLOT_NOT_CLOSED = "ballot_not_closed"
RENEWAL_NOT_OPEN = "renewal_not_open"
RENEWAL_EXISTS = "renewal_exists"
OBJECTION_EMPTY = "objection_empty"
OBJECTION_LATE = "objection_period_over"

MAX_OBJECTION_LENGTH = 5000
MAX_REFERENCE_LENGTH = 100
CS = CaseStatus


# --- helpers -------------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("union").get(pk=case.pk)


def _viewer(user, case: Case) -> Viewer:
    viewer = case_viewer(user=user, case=case)
    if not viewer.can_see:
        raise NotFound(_("No such bargaining case."))
    return viewer


def _require_status(case: Case, *statuses: str) -> None:
    if case.status not in statuses:
        raise Conflict(
            CASE_STATUS,
            _("Not possible while the case is “%(status)s”.")
            % {"status": case.get_status_display()},
        )


def _require(condition: bool, detail: str, code: str = "forbidden") -> None:
    if not condition:
        raise NotAllowed(detail, code)


def _is_chief_or_staff(viewer: Viewer) -> bool:
    return viewer.is_chief or viewer.is_observer


def _event(case: Case, kind: str, by, summary: str, **payload) -> None:
    event_append(case=case, kind=kind, actor=by, payload={"summary": summary, **payload})


def _set_status(case: Case, status: str) -> None:
    case.status = status
    case.save(update_fields=["status"])


def _contract(case: Case) -> Contract:
    try:
        return Contract.objects.select_for_update().get(case=case)
    except Contract.DoesNotExist:
        raise Conflict(CASE_STATUS, _("This case has no contract yet.")) from None


def _store_versions(case: Case, contract: Contract, by) -> list[ContractVersion]:
    """Render the contract in both languages as the next version; earlier ones are kept.

    The builder is deterministic, so an unchanged text keeps its hash. The file is written
    before the transaction commits: a rollback leaves an unreferenced file under a random
    name in private storage, never a row without its file."""
    number = (contract.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    versions = []
    for language in (ZH, EN):
        data = documents.contract_content(case, contract, language)
        content = build_contract(data)
        version = ContractVersion(
            content=data_to_json(data),
            contract=contract,
            number=number,
            language=language,
            case_status=case.status,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            created_by=by,
        )
        version.file.save(
            f"contract-{case.pk}-v{number}-{language}-{secrets.token_hex(6)}.docx",
            ContentFile(content),
            save=False,
        )
        version.save()
        versions.append(version)
    return versions


def _notify(phones_of, message: str) -> None:

    phones = [p for p in phones_of if p]
    transaction.on_commit(lambda: [send_sms(phone, message) for phone in phones])


def _phone(user) -> str:
    return getattr(getattr(user, "phone_number", None), "phone", "") if user else ""


def open_items(case: Case) -> list[AgendaItem]:
    return list(case.items.exclude(status=ItemStatus.AGREED).order_by("position", "id"))
