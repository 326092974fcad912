"""Writes of the hardship file: apply, documents, visit, decide, aid, re-check, lapse, close.

Every function is keyword-only, takes models and values (never a request), runs in one
transaction, leaves an audit event, and tells the member (SMS, in-site notice) only after the
commit. The hardship rules come from the city implementation plan (§9: "every worker in
hardship who meets the union's criteria goes into the hardship file and gets regular help")
and the ACFTU's practice of dynamic management of the file (see docs/legal.md).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legalaid.attachments import check_attachments
from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.care import selectors
from unionhome.care.models import (
    AidKind,
    Cause,
    FileStatus,
    HardshipAid,
    HardshipDocument,
    HardshipEvent,
    HardshipFile,
    HardshipLevel,
    HardshipVisit,
)
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.membership.services import notify

ERR_OPEN_FILE = "open_file_exists"
ERR_NOT_MEMBER = "not_a_member"
ERR_CAUSE = "invalid_cause"
ERR_HOUSEHOLD = "invalid_household_size"
ERR_INCOME = "invalid_income"
ERR_REQUIRED = "required"
ERR_STATE = "wrong_state"
ERR_LEVEL = "invalid_level"
ERR_DECISION = "invalid_decision"
ERR_REASON = "reason_required"
ERR_KIND = "invalid_aid_kind"
ERR_AMOUNT = "invalid_amount"
ERR_DATE = "invalid_date"
MAX_DOCUMENTS = 6

# Dynamic management of the file (ACFTU, 困难职工档案动态管理): every registered file is
# re-checked within 12 months; staff are reminded a month before, and a file left unchecked
# past its due date lapses. docs/legal.md explains this reading.
RECHECK_MONTHS = 12
REMINDER_DAYS_BEFORE = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the 29-31st fall back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def _event(file: HardshipFile, kind: str, actor=None, detail: str = "") -> None:
    HardshipEvent.objects.create(file=file, kind=kind, actor=actor, detail=detail[:500])


def _require_staff(actor, file: HardshipFile) -> None:
    # Not 403: outside the member's union a file does not exist (API.md: anyone else 404).
    if not selectors.is_file_staff(user=actor, file=file):
        raise NotFound(_("Hardship file not found."))


def _locked(file: HardshipFile) -> HardshipFile:
    # Serialise decisions on one file: two staff deciding at once must not both win.
    return HardshipFile.objects.select_for_update().select_related("membership").get(pk=file.pk)


def _tell_member(file: HardshipFile, message: str) -> None:
    notify(user=file.member, message=message, url="/care/hardship/", phone=file.membership.phone)


def _decimal(value, code: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(code, _("Enter an amount in yuan."), field=field) from None
    if not number.is_finite() or number < 0 or number > Decimal("99999999"):
        raise DomainError(code, _("Enter an amount in yuan, not negative."), field=field)
    return number.quantize(Decimal("0.01"))


def hardship_apply(
    *,
    actor,
    member,
    cause: str,
    household_size: int,
    income_per_head,
    description: str,
    district: str = "",
    documents: list[tuple[str, bytes]] = (),
) -> HardshipFile:
    """Open an application for a member (by the member, or by staff of the member's union)."""
    membership = roles.active_membership(member)
    if membership is None:
        raise DomainError(ERR_NOT_MEMBER, _("Only active members can apply."), status=403)
    if actor.pk != member.pk and not roles.is_union_staff(actor, membership.union_id):
        raise NotFound(_("Member not found."))
    if cause not in Cause.values:
        raise DomainError(ERR_CAUSE, _("Choose a cause from the list."), field="cause")
    if not isinstance(household_size, int) or not 1 <= household_size <= 30:
        raise DomainError(
            ERR_HOUSEHOLD, _("Household size is between 1 and 30."), field="household_size"
        )
    income = _decimal(income_per_head, ERR_INCOME, "income_per_head")
    description = (description or "").strip()
    if not description:
        raise DomainError(ERR_REQUIRED, _("Describe the situation."), field="description")
    if len(documents) > MAX_DOCUMENTS:
        raise DomainError(
            "too_many_documents",
            _("At most %(n)d documents.") % {"n": MAX_DOCUMENTS},
            field="documents",
        )
    checked = [doc for pair in documents for doc in check_attachments([pair])]
    region = district.strip() or membership.union.region
    line = selectors.subsistence_line_for(region=region)
    if selectors.open_file_of_member(user=member) is not None:
        raise Conflict(ERR_OPEN_FILE, _("You already have an open hardship application."))
    try:
        with transaction.atomic():
            file = HardshipFile.objects.create(
                member=member,
                membership=membership,
                union=membership.union,
                district=region[:100],
                cause=cause,
                household_size=household_size,
                income_per_head=income,
                subsistence_line=line.monthly_per_person if line else None,
                description=description[:4000],
                applied_by=actor,
            )
            _event(file, HardshipEvent.Kind.APPLIED, actor)
            for name, data, content_type in checked:
                _store_document(file, actor, name, data, content_type)
    except IntegrityError:
        # Two submissions at once: the partial unique constraint let only one through.
        raise Conflict(ERR_OPEN_FILE, _("You already have an open hardship application.")) from None
    return file


def _store_document(file, actor, name: str, data: bytes, content_type: str) -> HardshipDocument:
    document = HardshipDocument(
        file=file,
        original_name=name,
        content_type=content_type,
        size=len(data),
        uploaded_by=actor,
    )
    document.content.save(secrets.token_hex(8), ContentFile(data), save=False)
    document.save()
    _event(file, HardshipEvent.Kind.DOCUMENT, actor, name)
    return document


def hardship_add_document(*, actor, file: HardshipFile, name: str, data: bytes) -> HardshipDocument:
    """Add an image or PDF (checked by content, at most MAX_ATTACHMENT_BYTES) to an open file."""
    if actor.pk != file.member_id:
        _require_staff(actor, file)
    ((clean, data, content_type),) = check_attachments([(name, data)])
    with transaction.atomic():
        file = _locked(file)
        if not file.is_open:
            raise Conflict(ERR_STATE, _("Documents can only be added to an open file."))
        if file.documents.count() >= MAX_DOCUMENTS:
            raise DomainError(
                "too_many_documents",
                _("At most %(n)d documents.") % {"n": MAX_DOCUMENTS},
                field="file",
            )
        return _store_document(file, actor, clean, data, content_type)


def hardship_visit(
    *, actor, file: HardshipFile, visited_on: dt.date, notes: str, today: dt.date | None = None
) -> HardshipVisit:
    """Record a home or station visit by staff of the member's union."""
    _require_staff(actor, file)
    today = today or timezone.localdate()
    if visited_on > today:
        raise DomainError(ERR_DATE, _("A visit cannot be in the future."), field="visited_on")
    notes = (notes or "").strip()
    if not notes:
        raise DomainError(ERR_REQUIRED, _("Write what the visit found."), field="notes")
    with transaction.atomic():
        file = _locked(file)
        if file.status not in (FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.REGISTERED):
            raise Conflict(ERR_STATE, _("This file is not open."))
        visit = HardshipVisit.objects.create(
            file=file, visited_on=visited_on, notes=notes[:4000], visited_by=actor
        )
        if file.status == FileStatus.SUBMITTED:
            file.status = FileStatus.VISITED
            file.save(update_fields=["status"])
        _event(file, HardshipEvent.Kind.VISITED, actor, str(visited_on))
    return visit


def hardship_decide(
    *,
    actor,
    file: HardshipFile,
    decision: str,
    level: str = "",
    reason: str = "",
    today: dt.date | None = None,
) -> HardshipFile:
    """Register the file at a level, or decline it with a reason; the member is told both."""
    _require_staff(actor, file)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if decision not in ("registered", "declined"):
        raise DomainError(
            ERR_DECISION, _("The decision is registered or declined."), field="decision"
        )
    level_row = None
    if decision == "registered":
        level_row = HardshipLevel.objects.filter(code=level, is_active=True).first()
        if level_row is None:
            raise DomainError(ERR_LEVEL, _("Choose a hardship level."), field="level")
    elif not reason:
        raise DomainError(ERR_REASON, _("Give the reason for declining."), field="reason")
    with transaction.atomic():
        file = _locked(file)
        if file.status not in (FileStatus.SUBMITTED, FileStatus.VISITED):
            raise Conflict(ERR_STATE, _("This application has already been decided."))
        if decision == "registered" and not file.visits.exists():
            # A file is registered on what staff saw, not on the application alone.
            raise Conflict("visit_first", _("Record a visit before registering the file."))
        file.decided_at = timezone.now()
        file.decided_by = actor
        if level_row is not None:
            file.status = FileStatus.REGISTERED
            file.level = level_row
            file.last_checked_on = today
            file.recheck_due = add_months(today, RECHECK_MONTHS)
            _event(file, HardshipEvent.Kind.REGISTERED, actor, level_row.name)
            message = _(
                "Your hardship application is registered (%(level)s). "
                "The union will re-check it by %(due)s."
            ) % {"level": level_row.name, "due": file.recheck_due}
        else:
            file.status = FileStatus.DECLINED
            file.decline_reason = reason[:2000]
            _event(file, HardshipEvent.Kind.DECLINED, actor, reason)
            message = _("Your hardship application was declined: %(reason)s") % {"reason": reason}
        file.save()
        _tell_member(file, message)
    return file


def hardship_aid(
    *, actor, file: HardshipFile, kind: str, amount, given_on: dt.date, fund: str
) -> HardshipAid:
    """Record aid given to a registered file."""
    _require_staff(actor, file)
    if kind not in AidKind.values:
        raise DomainError(ERR_KIND, _("Choose a kind of aid from the list."), field="kind")
    value = _decimal(amount, ERR_AMOUNT, "amount")
    fund = (fund or "").strip()
    if not fund:
        raise DomainError(ERR_REQUIRED, _("Name the fund the aid came from."), field="fund")
    with transaction.atomic():
        file = _locked(file)
        if file.status != FileStatus.REGISTERED:
            raise Conflict(ERR_STATE, _("Aid is recorded on registered files only."))
        aid = HardshipAid.objects.create(
            file=file,
            kind=kind,
            amount=value,
            given_on=given_on,
            fund=fund[:200],
            recorded_by=actor,
        )
        _event(file, HardshipEvent.Kind.AID, actor, f"{AidKind(kind).label} ¥{value}")
    return aid


def hardship_recheck(
    *, actor, file: HardshipFile, level: str = "", today: dt.date | None = None
) -> HardshipFile:
    """Confirm the member is still in hardship (a lapsed file comes back); the next re-check
    is due 12 months later. A member no longer in hardship is closed instead."""
    _require_staff(actor, file)
    today = today or timezone.localdate()
    with transaction.atomic():
        file = _locked(file)
        if file.status not in (FileStatus.REGISTERED, FileStatus.LAPSED):
            raise Conflict(ERR_STATE, _("Only registered or lapsed files are re-checked."))
        if level:
            level_row = HardshipLevel.objects.filter(code=level, is_active=True).first()
            if level_row is None:
                raise DomainError(ERR_LEVEL, _("Choose a hardship level."), field="level")
            file.level = level_row
        if file.status == FileStatus.LAPSED and selectors.open_file_of_member(user=file.member):
            raise Conflict(ERR_OPEN_FILE, _("The member has another open file."))
        file.status = FileStatus.REGISTERED
        file.last_checked_on = today
        file.recheck_due = add_months(today, RECHECK_MONTHS)
        file.save()
        _event(file, HardshipEvent.Kind.RECHECKED, actor, str(file.recheck_due))
    return file


def hardship_close(*, actor, file: HardshipFile, reason: str) -> HardshipFile:
    """Close a file when the member has left hardship (or left the union)."""
    _require_staff(actor, file)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERR_REASON, _("Give the reason for closing."), field="reason")
    with transaction.atomic():
        file = _locked(file)
        if file.status in (FileStatus.CLOSED, FileStatus.DECLINED):
            raise Conflict(ERR_STATE, _("This file is already closed."))
        file.status = FileStatus.CLOSED
        file.close_reason = reason[:2000]
        file.closed_at = timezone.now()
        file.save()
        _event(file, HardshipEvent.Kind.CLOSED, actor, reason)
        _tell_member(file, _("Your hardship file has been closed: %(reason)s") % {"reason": reason})
    return file


def hardship_read(*, actor, file_id: int) -> HardshipFile:
    """The file for reading; a staff read goes into the file's trail and the audit log (the
    member reading their own file does not)."""
    file = selectors.file_get(user=actor, file_id=file_id)
    if file.member_id != actor.pk:
        with transaction.atomic():
            _event(file, HardshipEvent.Kind.READ, actor)
            audit_record(action=AuditAction.CARE_FILE_READ, actor=actor, obj=file, union=file.union)
    return file


def hardship_export(*, actor) -> str:
    """The federation report as CSV; each exported file's trail and the audit log say so."""
    files = selectors.export_files(user=actor)
    with transaction.atomic():
        HardshipEvent.objects.bulk_create(
            HardshipEvent(file=file, kind=HardshipEvent.Kind.EXPORTED, actor=actor)
            for file in files
        )
        audit_record(
            action=AuditAction.CARE_EXPORT,
            actor=actor,
            object_type="care.hardshipfile",
            detail=f"{len(files)} files",
        )
    return selectors.export_csv(files=files)


def _staff_users(union):
    # The union's own staff are the ones to visit; federation staff see the dashboard instead.
    return [link.user for link in union.staff_links.select_related("user", "user__phone_number")]


def hardship_tick(*, today: dt.date | None = None) -> dict:
    """Periodic job: remind staff a month before a re-check is due, lapse overdue files."""
    today = today or timezone.localdate()
    reminded = lapsed = 0
    due = HardshipFile.objects.filter(
        status=FileStatus.REGISTERED,
        recheck_due__gte=today,
        recheck_due__lte=today + dt.timedelta(days=REMINDER_DAYS_BEFORE),
    ).select_related("union")
    for file in due:
        if file.recheck_reminded_for == file.recheck_due:
            continue
        with transaction.atomic():
            # The conditional update is the "send once" guarantee under two schedulers.
            claimed = HardshipFile.objects.filter(
                pk=file.pk, status=FileStatus.REGISTERED, recheck_due=file.recheck_due
            ).exclude(recheck_reminded_for=file.recheck_due)
            if not claimed.update(recheck_reminded_for=file.recheck_due):
                continue
            _event(file, HardshipEvent.Kind.REMINDED, None, str(file.recheck_due))
            message = _("Hardship file #%(id)s must be re-checked by %(due)s.") % {
                "id": file.pk,
                "due": file.recheck_due,
            }
            for user in _staff_users(file.union):
                phone = getattr(getattr(user, "phone_number", None), "phone", "")
                notify(user=user, message=message, url=f"/care/staff/files/{file.pk}/", phone=phone)
        reminded += 1
    for file in HardshipFile.objects.filter(
        status=FileStatus.REGISTERED, recheck_due__lt=today
    ).select_related("membership", "member"):
        with transaction.atomic():
            if not HardshipFile.objects.filter(pk=file.pk, status=FileStatus.REGISTERED).update(
                status=FileStatus.LAPSED
            ):
                continue
            _event(file, HardshipEvent.Kind.LAPSED, None, str(file.recheck_due))
            _tell_member(
                file,
                _(
                    "Your hardship file was not re-checked by %(due)s and has lapsed. "
                    "Contact your union to renew it."
                )
                % {"due": file.recheck_due},
            )
        lapsed += 1
    return {"reminded": reminded, "lapsed": lapsed}
