"""The life of a collective contract: agreed -> draft -> ratification -> ratified / rejected
-> signed -> filed -> in_force / objected -> expiring -> expired.

Every transition locks the case row, checks who may act and in which status, writes the
contract, moves ``case.status`` and appends an event to the case's log, all in one
transaction; text messages go out only after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining.contracts import deadlines, documents
from bargaining.contracts.content import data_to_json
from bargaining.contracts.docx_builder import EN, ZH, build_contract
from bargaining.contracts.models import Contract, ContractVersion
from bargaining.contracts.ratification import ratification_ballot_create, ratification_passed
from bargaining.models import AgendaItem, Case, CaseStatus, ItemStatus, Representative, Side
from bargaining.selectors import Viewer, case_viewer
from unionhome.errors import Conflict, DomainError, NotAllowed, NotFound

ITEMS_OPEN = "items_open"
CASE_STATUS = "case_status"
NOT_RATIFIED = "not_ratified"
ALREADY_SIGNED = "already_signed"
BALLOT_NOT_CLOSED = "ballot_not_closed"
RENEWAL_NOT_OPEN = "renewal_not_open"
RENEWAL_EXISTS = "renewal_exists"
OBJECTION_EMPTY = "objection_empty"
OBJECTION_LATE = "objection_period_over"
BAD_TERM = "invalid_term"

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
    from bargaining.services import event_append

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
    from unionhome.sms import send_sms

    phones = [p for p in phones_of if p]
    transaction.on_commit(lambda: [send_sms(phone, message) for phone in phones])


def _phone(user) -> str:
    return getattr(getattr(user, "phone_number", None), "phone", "") if user else ""


def open_items(case: Case) -> list[AgendaItem]:
    return list(case.items.exclude(status=ItemStatus.AGREED).order_by("position", "id"))


# --- agreed -> draft -------------------------------------------------------------------------


def _agreed_term(case: Case) -> int | None:
    """The term the sides agreed as an item on the "term" topic, if it is 1-3 years."""
    item = case.items.filter(topic="term", status=ItemStatus.AGREED).first()
    try:
        years = int(Decimal(str(item.agreed_value))) if item else None
    except (InvalidOperation, ValueError, TypeError):
        return None
    return years if years in (1, 2, 3) else None


def contract_draft(*, case: Case, by, term_years: int | None = None) -> ContractVersion:
    """Generate (or regenerate) the draft contract; every generation is kept as a version."""
    if term_years is not None and not 1 <= int(term_years) <= 3:
        raise DomainError(BAD_TERM, _("The term must be one to three years."), field="term_years")
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            _is_chief_or_staff(viewer),
            _("Only a chief representative or the union's staff may draft the contract."),
        )
        if case.status in (CS.REQUESTED, CS.ACTIVE, CS.SUSPENDED):
            pending = open_items(case)
            titles = "、".join(item.title for item in pending) or _("(no items)")
            raise Conflict(
                ITEMS_OPEN,
                _("Not every item is agreed yet. Open items: %(items)s") % {"items": titles},
            )
        _require_status(case, CS.AGREED, CS.DRAFT)
        term_years = term_years or _agreed_term(case)
        contract, created = Contract.objects.select_for_update().get_or_create(
            case=case,
            defaults={
                "title": documents.contract_title(case, ZH),
                "term_years": term_years or 3,
            },
        )
        if term_years and contract.term_years != term_years:
            contract.term_years = term_years
            contract.save(update_fields=["term_years"])
        _set_status(case, CS.DRAFT)
        version = _store_versions(case, contract, by)[0]
        _event(
            case,
            "contract.drafted",
            by,
            _("Draft contract version %(n)s generated") % {"n": version.number},
            version=version.number,
            sha256=version.sha256,
        )
    return version


# --- draft -> ratification -> ratified / rejected ------------------------------------------


def contract_submit_for_ratification(*, case: Case, by, now: dt.datetime | None = None):
    """Put the draft to the members' vote: a ballot under the collective-contract rule."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.is_observer or (viewer.is_chief and viewer.side == Side.UNION),
            _("Only the union's chief representative or staff may call the vote."),
        )
        _require_status(case, CS.DRAFT)
        contract = _contract(case)
        latest = contract.versions.filter(language=ZH).order_by("-number").first()
        summary = _("Draft collective contract, version %(n)s (SHA-256 %(hash)s).") % {
            "n": latest.number if latest else 0,
            "hash": latest.sha256[:16] if latest else "",
        }
        ballot = ratification_ballot_create(
            contract=contract,
            title=_("Vote on the collective contract: %(title)s") % {"title": contract.title},
            summary_html=f"<p>{summary}</p>",
            opens_at=now,
            by=by,
        )
        contract.ballot = ballot
        contract.save(update_fields=["ballot"])
        _set_status(case, CS.RATIFICATION)
        _event(
            case,
            "contract.ratification",
            by,
            _("Put to the members' vote"),
            ballot=ballot.pk,
            closes_at=ballot.closes_at.isoformat(),
        )
    return ballot


def contract_record_ratification(*, case: Case, by=None, now: dt.datetime | None = None) -> str:
    """Record the result of the closed ballot: ratified, or rejected (back to bargaining)."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        if by is not None:
            viewer = _viewer(by, case)
            _require(
                _is_chief_or_staff(viewer), _("Only a chief representative or staff may do this.")
            )
        _require_status(case, CS.RATIFICATION)
        contract = _contract(case)
        passed = ratification_passed(contract=contract, now=now)
        if passed is None:
            raise Conflict(BALLOT_NOT_CLOSED, _("The members' vote has not closed yet."))
        if passed:
            contract.ratified_at = now
            contract.save(update_fields=["ratified_at"])
            _set_status(case, CS.RATIFIED)
            _event(case, "contract.ratified", by, _("The members approved the contract"))
        else:
            _set_status(case, CS.REJECTED)
            _event(case, "contract.rejected", by, _("The members rejected the contract"))
        return case.status


def contract_resume_bargaining(*, case: Case, by) -> Case:
    """After a rejection or an objection: reopen every item and bargain again."""
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(_is_chief_or_staff(viewer), _("Only a chief representative or staff may do this."))
        _require_status(case, CS.REJECTED, CS.OBJECTED)
        case.items.update(status=ItemStatus.OPEN)
        case.status = CS.ACTIVE
        case.union_confirmed_at = case.employer_confirmed_at = case.agreed_at = None
        case.save(
            update_fields=["status", "union_confirmed_at", "employer_confirmed_at", "agreed_at"]
        )
        Contract.objects.filter(case=case).update(
            ballot=None,
            ratified_at=None,
            union_signed_by=None,
            union_signed_at=None,
            employer_signed_by=None,
            employer_signed_at=None,
            signed_at=None,
            filing_due=None,
            filed_at=None,
            filed_by=None,
            objection_due=None,
        )
        _event(case, "contract.reopened", by, _("Back to bargaining"))
    return case


# --- ratified -> signed -> filed ---------------------------------------------------------------


def contract_sign(*, case: Case, by, now: dt.datetime | None = None) -> Contract:
    """A chief signs for their side; the second signature makes the contract signed."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(viewer.is_chief, _("Only a chief representative may sign."), "not_chief")
        if case.status in (CS.AGREED, CS.DRAFT, CS.RATIFICATION, CS.REJECTED):
            raise Conflict(NOT_RATIFIED, _("The members have not ratified the contract yet."))
        _require_status(case, CS.RATIFIED)
        contract = _contract(case)
        side = viewer.side
        if contract.signed_at_for(side):
            raise Conflict(ALREADY_SIGNED, _("Your side has already signed."))
        if side == Side.UNION:
            contract.union_signed_by, contract.union_signed_at = by, now
        else:
            contract.employer_signed_by, contract.employer_signed_at = by, now
        fields = [f"{side}_signed_by", f"{side}_signed_at"]
        both = contract.union_signed_at and contract.employer_signed_at
        if both:
            contract.signed_at = now
            contract.filing_due = deadlines.filing_due(now)
            fields += ["signed_at", "filing_due"]
        contract.save(update_fields=fields)
        _event(
            case,
            "contract.signed",
            by,
            _("Signed by the chief of the %(side)s") % {"side": Side(side).label},
            side=side,
        )
        if both:
            _set_status(case, CS.SIGNED)
            _store_versions(case, contract, by)
            employer_chief = case.chief(Side.EMPLOYER)
            _notify(
                [_phone(employer_chief)],
                _(
                    "The collective contract “%(title)s” is signed. File it with the labour "
                    "administration by %(due)s."
                )
                % {"title": contract.title, "due": contract.filing_due.isoformat()},
            )
    return contract


def contract_file(
    *, case: Case, by, reference: str = "", now: dt.datetime | None = None
) -> Contract:
    """Record that the employer side filed the signed contract with the labour administration."""
    now = now or timezone.now()
    reference = (reference or "").strip()
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise DomainError("invalid", _("The reference is too long."), field="reference")
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.side == Side.EMPLOYER or viewer.is_observer,
            _("The employer side files the contract."),
        )
        _require_status(case, CS.SIGNED)
        contract = _contract(case)
        contract.filed_at, contract.filed_by = now, by
        contract.filing_reference = reference
        contract.objection_due = deadlines.objection_due(now)
        contract.save(update_fields=["filed_at", "filed_by", "filing_reference", "objection_due"])
        _set_status(case, CS.FILED)
        _event(
            case,
            "contract.filed",
            by,
            _("Filed with the labour administration"),
            objection_due=contract.objection_due.isoformat(),
            late=deadlines.local_date(now) > contract.filing_due if contract.filing_due else False,
        )
    return contract


def contract_record_objection(
    *, case: Case, by, text: str, now: dt.datetime | None = None
) -> Contract:
    """The labour administration objected within its 15 days: record what it said."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise DomainError(OBJECTION_EMPTY, _("Write down the objection."), field="text")
    if len(text) > MAX_OBJECTION_LENGTH:
        raise DomainError("invalid", _("The objection is too long."), field="text")
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.is_observer or viewer.side == Side.EMPLOYER,
            _("The employer side or the union's staff record an objection."),
        )
        _require_status(case, CS.FILED)
        contract = _contract(case)
        if contract.objection_due and deadlines.local_date(now) > contract.objection_due:
            raise Conflict(OBJECTION_LATE, _("The 15 days for an objection have passed."))
        contract.objected_at, contract.objection = now, text
        contract.save(update_fields=["objected_at", "objection"])
        _set_status(case, CS.OBJECTED)
        _event(case, "contract.objected", by, _("The labour administration objected"), text=text)
    return contract


# --- the passing of time -------------------------------------------------------------------


def _advance(case: Case, contract: Contract, today: dt.date) -> list[str]:
    """Apply every step that time alone makes due (caller holds the lock)."""
    moved = []
    while True:
        step = deadlines.lifecycle_due(
            status=case.status,
            today=today,
            objection_due_on=contract.objection_due,
            renewal_opens=contract.renewal_opens_on,
            expires=contract.expires_on,
        )
        if step is None:
            return moved
        if step == CS.IN_FORCE:
            start = contract.objection_due + dt.timedelta(days=1)
            contract.effective_on = start
            contract.expires_on = deadlines.expires_on(start, contract.term_years)
            contract.renewal_opens_on = deadlines.renewal_opens_on(contract.expires_on)
            contract.save(update_fields=["effective_on", "expires_on", "renewal_opens_on"])
            summary = _("In force from %(date)s") % {"date": start.isoformat()}
        elif step == CS.EXPIRING:
            summary = _("Last three months of the term: renewal may be requested")
        else:
            summary = _("The contract has expired")
        _set_status(case, step)
        _event(case, f"contract.{step}", None, summary)
        moved.append(step)


def contracts_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily run: count closed votes, remind of filing deadlines, advance by time."""
    now = now or timezone.now()
    today = deadlines.local_date(now)
    result = {"ratification": 0, "reminded": 0, "advanced": 0}
    for case in Case.objects.filter(status=CS.RATIFICATION, contract__ballot__closes_at__lte=now):
        try:
            contract_record_ratification(case=case, now=now)
            result["ratification"] += 1
        except DomainError:
            continue
    for contract in Contract.objects.filter(case__status=CS.SIGNED).select_related("case"):
        if contract.signed_at and deadlines.filing_reminder_due(contract.signed_at, now):
            result["reminded"] += contract_remind_filing(contract=contract, now=now)
    time_driven = (CS.FILED, CS.IN_FORCE, CS.EXPIRING)
    for case_id in Case.objects.filter(status__in=time_driven).values_list("id", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            contract = Contract.objects.select_for_update().filter(case=case).first()
            if contract is not None:
                result["advanced"] += len(_advance(case, contract, today))
    return result


def contract_remind_filing(*, contract: Contract, now: dt.datetime) -> int:
    """Remind the employer chief and the union's staff of the filing deadline (once a day)."""
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update().select_related("case__union").get(pk=contract.pk)
        )
        last = locked.filing_reminded_at
        if last and deadlines.local_date(last) == deadlines.local_date(now):
            return 0
        locked.filing_reminded_at = now
        locked.save(update_fields=["filing_reminded_at"])
        case = locked.case
        overdue = deadlines.filing_overdue(locked.signed_at, now)
        message = (
            _("The collective contract “%(title)s” was due to be filed by %(due)s: file it now.")
            if overdue
            else _(
                "File the collective contract “%(title)s” with the labour administration by %(due)s."
            )
        ) % {"title": locked.title, "due": locked.filing_due.isoformat()}
        people = [case.chief(Side.EMPLOYER), *case.union.staff.all()]
        phones = [_phone(person) for person in people]
        _notify(phones, message)
        from bargaining.services import event_append

        event_append(
            case=Case.objects.select_for_update().get(pk=case.pk),
            kind="contract.filing_reminder",
            payload={"summary": message, "due": locked.filing_due.isoformat(), "overdue": overdue},
        )
    return len([p for p in phones if p])


# --- expiring -> renewal ---------------------------------------------------------------------


def contract_request_renewal(*, case: Case, by, now: dt.datetime | None = None) -> Case:
    """Either side asks to renew in the last three months: a new case with the same items."""
    from bargaining import services as bargaining_services

    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.is_representative or viewer.is_observer,
            _("Only the representatives or the union's staff may request renewal."),
        )
        if case.status == CS.IN_FORCE:
            raise Conflict(
                RENEWAL_NOT_OPEN,
                _("Renewal may be requested in the last three months of the term."),
            )
        _require_status(case, CS.EXPIRING)
        contract = _contract(case)
        if contract.renewal_case_id:
            raise Conflict(RENEWAL_EXISTS, _("Renewal has already been requested."))
        side = viewer.side or Side.UNION
        new_case = bargaining_services.case_request(
            union=case.union,
            employer=case.employer,
            employer_kind=case.employer_kind,
            region_code=case.region_code,
            title=_("%(title)s (renewal)") % {"title": case.title},
            request_text=_(
                "The collective contract “%(title)s” expires on %(date)s. We request "
                "bargaining on its renewal."
            )
            % {"title": contract.title, "date": contract.expires_on.isoformat()},
            requested_by_side=side,
            by=by,
            now=now,
        )
        # The same people represent the sides until either side changes its team.
        for rep in case.representatives.filter(active=True):
            Representative.objects.create(
                case=new_case, side=rep.side, user=rep.user, role=rep.role
            )
        if case.recorder_id:
            Case.objects.filter(pk=new_case.pk).update(recorder=case.recorder_id)
        for item in case.items.order_by("position", "id"):
            AgendaItem.objects.create(
                case=new_case,
                topic=item.topic,
                title=item.title,
                description=item.description,
                value_kind=item.value_kind,
                unit=item.unit,
                statutory_check=item.statutory_check,
                expected_per_hour=item.expected_per_hour,
                throughput_sample=item.throughput_sample,
                position=item.position,
            )
        contract.renewal_case = new_case
        contract.renewal_requested_by = by
        contract.save(update_fields=["renewal_case", "renewal_requested_by"])
        _event(case, "contract.renewal", by, _("Renewal requested"), renewal_case=new_case.pk)
    return new_case


# --- the filing package ------------------------------------------------------------------------

FILING_STATUSES = (CS.SIGNED, CS.FILED, CS.IN_FORCE, CS.OBJECTED, CS.EXPIRING, CS.EXPIRED)


def contract_filing_package(*, case: Case, language: str = ZH, user=None) -> bytes:
    """The ZIP for the labour administration; exists once both chiefs have signed."""
    _require_status(case, *FILING_STATUSES)
    contract = Contract.objects.select_related("ballot").get(case=case)
    version = contract.versions.filter(language=language).order_by("-number").first()
    if version is None:
        content = documents.contract_render(case, contract, language)
    else:
        with version.file.open("rb") as handle:
            content = handle.read()
    return documents.filing_package(case, contract, content, language, user=user)
