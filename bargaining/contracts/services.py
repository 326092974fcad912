"""The life of a collective contract: agreed -> draft -> ratification -> ratified / rejected
-> signed -> filed -> in_force / objected -> expiring -> expired.

Every transition locks the case row, checks who may act and in which status, writes the
contract, moves ``case.status`` and appends an event to the case's log, all in one
transaction; text messages go out only after commit.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining import case_setup
from bargaining.contracts import deadlines, documents
from bargaining.contracts.docx_builder import ZH
from bargaining.contracts.drafting import BAD_TERM, contract_draft  # noqa: F401 (re-exported)

# Re-exported: callers keep one entry point for every lifecycle step.
from bargaining.contracts.filing import (  # noqa: F401
    contract_file,
    contract_record_objection,
    contract_resume_bargaining,
    contract_set_filing_received,
)
from bargaining.contracts.lifecycle import (  # noqa: F401
    ALREADY_SIGNED,
    BALLOT_NOT_CLOSED,
    CASE_STATUS,
    CS,
    ITEMS_OPEN,
    MAX_OBJECTION_LENGTH,
    MAX_REFERENCE_LENGTH,
    NOT_RATIFIED,
    OBJECTION_EMPTY,
    OBJECTION_LATE,
    RENEWAL_EXISTS,
    RENEWAL_NOT_OPEN,
    _contract,
    _event,
    _is_chief_or_staff,
    _lock,
    _notify,
    _phone,
    _require,
    _require_status,
    _set_status,
    _store_versions,
    _viewer,
    open_items,
)
from bargaining.contracts.models import Contract, RatifyingBody
from bargaining.contracts.ratification import (
    ratification_ballot_create,
    ratification_electorate,
    ratification_passed,
)
from bargaining.models import AgendaItem, Case, Representative, Side
from bargaining.services import event_append
from legalaid import holidays
from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.core.errors import Conflict, DomainError

# --- draft -> ratification -> ratified / rejected ------------------------------------------


def contract_submit_for_ratification(
    *, case: Case, by, body: str, roster=None, now: dt.datetime | None = None
):
    """Put the draft to the workers' congress or to all covered workers (``body``, with their
    ``roster``): Collective Contract Provisions art. 36, never the union's members alone."""
    now = now or timezone.now()
    electorate = ratification_electorate(case=case, body=body, roster=roster)
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
            body=body,
            roster=electorate,
            by=by,
        )
        contract.ballot = ballot
        contract.ratifying_body = body
        contract.save(update_fields=["ballot", "ratifying_body"])
        _set_status(case, CS.RATIFICATION)
        _event(
            case,
            "contract.ratification",
            by,
            _("Put to the vote of the %(body)s (Collective Contract Provisions art. 36)")
            % {"body": RatifyingBody(body).label},
            ballot=ballot.pk,
            body=body,
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
            raise Conflict(BALLOT_NOT_CLOSED, _("The vote has not closed yet."))
        body = RatifyingBody(contract.ratifying_body or RatifyingBody.CONGRESS).label
        if passed:
            contract.ratified_at = now
            contract.save(update_fields=["ratified_at"])
            _set_status(case, CS.RATIFIED)
            _event(
                case,
                "contract.ratified",
                by,
                _("The %(body)s adopted the contract") % {"body": body},
            )
        else:
            _set_status(case, CS.REJECTED)
            _event(
                case,
                "contract.rejected",
                by,
                _("The %(body)s did not adopt the contract") % {"body": body},
            )
        return case.status


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
            contract.filing_due = deadlines.filing_due(now, holidays.last_day)
            fields += ["signed_at", "filing_due"]
        contract.save(update_fields=fields)
        _event(
            case,
            "contract.signed",
            by,
            _("Signed by the chief of the %(side)s") % {"side": Side(side).label},
            side=side,
        )
        audit_record(
            action=AuditAction.CONTRACT_SIGN,
            actor=by,
            obj=contract,
            union=case.union_id,
            detail=f"case {case.pk}, side {side}",
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
        if contract.signed_at and deadlines.filing_reminder_due(
            contract.signed_at, now, contract.filing_due
        ):
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
        overdue = deadlines.filing_overdue(locked.signed_at, now, locked.filing_due)
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
        event_append(
            case=Case.objects.select_for_update().get(pk=case.pk),
            kind="contract.filing_reminder",
            payload={"summary": message, "due": locked.filing_due.isoformat(), "overdue": overdue},
        )
    return len([p for p in phones if p])


# --- expiring -> renewal ---------------------------------------------------------------------


def contract_request_renewal(*, case: Case, by, now: dt.datetime | None = None) -> Case:
    """Either side asks to renew: a new case with the same items. Art. 38 gives the right to
    ask in the last three months; earlier is allowed too (art. 32 lets either side request
    bargaining at any time), and the request then says so."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        viewer = _viewer(by, case)
        _require(
            viewer.is_representative or viewer.is_observer,
            _("Only the representatives or the union's staff may request renewal."),
        )
        _require_status(case, CS.IN_FORCE, CS.EXPIRING)
        early = case.status == CS.IN_FORCE
        contract = _contract(case)
        if contract.renewal_case_id:
            raise Conflict(RENEWAL_EXISTS, _("Renewal has already been requested."))
        side = viewer.side or Side.UNION
        new_case = case_setup.case_request(
            union=case.union,
            employer=case.employer,
            employer_kind=case.employer_kind,
            region_code=case.region_code,
            title=_("%(title)s (renewal)") % {"title": case.title},
            request_text=_(
                "The collective contract “%(title)s” expires on %(date)s. We request "
                "bargaining on its renewal."
            )
            % {"title": contract.title, "date": contract.expires_on.isoformat()}
            + (
                " "
                + _(
                    "The request is made before the last three months of the term "
                    "(Collective Contract Provisions art. 38), as art. 32 allows."
                )
                if early
                else ""
            ),
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
                covers=item.covers,
                break_after_hours=item.break_after_hours,
                compensatory_rest=item.compensatory_rest,
                position=item.position,
            )
        contract.renewal_case = new_case
        contract.renewal_requested_by = by
        contract.save(update_fields=["renewal_case", "renewal_requested_by"])
        _event(
            case,
            "contract.renewal",
            by,
            _("Renewal requested before the last three months (art. 32)")
            if early
            else _("Renewal requested"),
            renewal_case=new_case.pk,
            early=early,
        )
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
