"""Complaint handling (writes). Every step is one transaction and leaves a timeline entry the
member follows; the staff entry points (pages, API, admin) all call these functions.

Sources: Labour Law art. 88 and Labour Contract Law art. 78 (the union supervises the
employer's compliance and may demand correction); 《工会劳动法律监督办法》(2021) art. 20
(the supervision notice, answered within 15 working days); 《劳动保障监察条例》 arts. 7 and 9
(the union's referral to labour inspection); Labour Dispute Mediation and Arbitration Law
arts. 14-15 (a mediated settlement, and arbitration when it is not honoured).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legalaid import selectors as legalaid_selectors
from legalaid.attachments import check_attachments
from legalaid.complaints import deadlines
from legalaid.complaints.models import Action, Category, Complaint, Evidence, Status, Step
from legalaid.complaints.selectors import handled_union_ids, is_company_side, is_handler
from legalaid.models import Notice, Slot
from legalaid.services import booking_create
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotAllowed

ERR_CATEGORY = "invalid_category"
ERR_COMPANY = "company_required"
ERR_DESCRIPTION = "description_required"
ERR_DATE = "invalid_date"
ERR_NOT_MEMBER = "not_member"
ERR_STATE = "wrong_state"
ERR_OFFICER = "invalid_officer"
ERR_RATING = "invalid_rating"
ERR_NO_SLOT = "no_free_slot"
ERR_REFER_TO = "invalid_referral"

MAX_TEXT = 5000

# Which legal-aid topic a complaint category is booked under.
LEGAL_AID_TOPIC = {
    Category.WAGE_ARREARS: "wage_arrears",
    Category.DEDUCTION_OR_FINE: "platform_rules",
    Category.ACCOUNT_PENALTY: "platform_rules",
    Category.INJURY_NOT_COVERED: "work_injury",
}


def _text(value: str, *, field: str, required: bool = False, code: str = "invalid") -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(code, _("This field is required."), field=field)
    if len(text) > MAX_TEXT:
        raise DomainError("too_long", _("At most %(n)d characters.") % {"n": MAX_TEXT}, field=field)
    return text


def _step(complaint: Complaint, kind: str, *, actor, detail: str = "", now=None) -> Step:
    return Step.objects.create(
        complaint=complaint, kind=kind, actor=actor, detail=detail, created_at=now or timezone.now()
    )


def _locked(complaint: Complaint) -> Complaint:
    # Two officers acting at once must not both move the complaint: re-read it under a lock.
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _require_handler(actor, complaint: Complaint) -> None:
    if not is_handler(user=actor, complaint=complaint):
        raise NotAllowed(_("Only the union's staff or the assigned officer may do this."))


def _require_status(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise Conflict(ERR_STATE, _("This step is not possible in the complaint's current state."))


def complaint_file(
    *,
    member,
    category: str,
    company: str,
    description: str,
    happened_on: dt.date | None = None,
    wants: str = "",
    disclose_identity: bool = False,
    evidence: list[tuple[str, bytes]] | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """A member files a complaint; triage is due within 2 working days."""
    now = now or timezone.now()
    membership = roles.active_membership(member)
    if membership is None:
        raise NotAllowed(_("Only union members can file a complaint."), code=ERR_NOT_MEMBER)
    if category not in Category.values:
        raise DomainError(ERR_CATEGORY, _("Choose a category."), field="category")
    company = _text(company, field="company", required=True, code=ERR_COMPANY)[:200]
    description = _text(description, field="description", required=True, code=ERR_DESCRIPTION)
    wants = _text(wants, field="wants")
    if happened_on and happened_on > now.astimezone(deadlines.SHANGHAI).date():
        raise DomainError(ERR_DATE, _("The date cannot be in the future."), field="happened_on")
    checked = check_attachments(list(evidence or []))
    with transaction.atomic():
        complaint = Complaint.objects.create(
            # A unique placeholder until the primary key gives the real reference.
            reference=f"t-{uuid.uuid4().hex[:16]}",
            member=member,
            union=membership.union,
            category=category,
            company=company,
            description=description,
            happened_on=happened_on,
            wants=wants,
            disclose_identity=bool(disclose_identity),
            submitted_at=now,
            triage_due=deadlines.triage_due(now),
        )
        complaint.reference = f"TS{now.astimezone(deadlines.SHANGHAI):%Y}{complaint.pk:06d}"
        complaint.save(update_fields=["reference"])
        _save_evidence(complaint, checked)
        _step(complaint, Step.Kind.SUBMITTED, actor=member, now=now)
    return complaint


def _save_evidence(complaint: Complaint, checked: list[tuple[str, bytes, str]]) -> None:
    for name, data, content_type in checked:
        item = Evidence(
            complaint=complaint, original_name=name, content_type=content_type, size=len(data)
        )
        item.file.save(name, ContentFile(data), save=False)
        item.save()


def complaint_assign(*, actor, complaint: Complaint, officer, now=None) -> Complaint:
    """Triage: the union's staff assign an officer (again, to hand the case over)."""
    now = now or timezone.now()
    _require_handler(actor, complaint)
    if complaint.union_id not in handled_union_ids(officer):
        raise DomainError(
            ERR_OFFICER, _("The officer must be on the union's staff."), field="officer"
        )
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_status(complaint, Status.SUBMITTED, Status.ASSIGNED, Status.IN_ACTION)
        complaint.officer = officer
        if complaint.status == Status.SUBMITTED:
            complaint.status = Status.ASSIGNED
            complaint.assigned_at = now
        complaint.save()
        _step(complaint, Step.Kind.ASSIGNED, actor=actor, detail=_officer_name(officer), now=now)
    return complaint


def _officer_name(user) -> str:
    return user.get_full_name() or user.username


def _start_action(complaint: Complaint, action: str) -> None:
    complaint.action = action
    complaint.status = Status.IN_ACTION


def complaint_advise(*, actor, complaint: Complaint, advice: str, now=None) -> Complaint:
    """The officer advises the member (the advice is shown to them)."""
    advice = _text(advice, field="advice", required=True)
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_status(complaint, Status.ASSIGNED, Status.IN_ACTION)
        _start_action(complaint, Action.ADVICE)
        complaint.advice = advice
        complaint.save()
        _step(complaint, Step.Kind.ADVICE, actor=actor, detail=advice, now=now)
    return complaint


def complaint_refer(
    *,
    actor,
    complaint: Complaint,
    to: str,
    slot: Slot | None = None,
    channel: str | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Mediation with the company, a legal-aid consultation, or labour inspection."""
    now = now or timezone.now()
    if to not in (Action.MEDIATION, Action.LEGAL_AID, Action.LABOUR_INSPECTION):
        raise DomainError(ERR_REFER_TO, _("Unknown referral."), field="to")
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_status(complaint, Status.ASSIGNED, Status.IN_ACTION)
        _start_action(complaint, to)
        if to == Action.MEDIATION:
            kind, detail = Step.Kind.MEDIATION, ""
        elif to == Action.LABOUR_INSPECTION:
            # 《劳动保障监察条例》 arts. 7 and 9: the union reports the violation to the
            # labour inspection office, with the referral letter and the evidence list.
            complaint.inspection_referred_at = now
            kind, detail = Step.Kind.INSPECTION, ""
        else:
            complaint.booking = _book_legal_aid(actor, complaint, slot, channel, now)
            start = complaint.booking.slot.start.astimezone(deadlines.SHANGHAI)
            kind, detail = Step.Kind.LEGAL_AID, f"{start:%Y-%m-%d %H:%M}"
        complaint.save()
        _step(complaint, kind, actor=actor, detail=detail, now=now)
    return complaint


def _book_legal_aid(actor, complaint: Complaint, slot, channel, now):
    topic = LEGAL_AID_TOPIC.get(complaint.category, "other")
    if slot is None:
        today = now.astimezone(deadlines.SHANGHAI).date()
        # The first free slot after a working margin, so the member can be told in time.
        slot = (
            legalaid_selectors.slots_open(
                first_day=today, last_day=today + dt.timedelta(days=28), now=now, topic=topic
            )
            .filter(start__gte=now + dt.timedelta(hours=4))
            .first()
        )
        if slot is None:
            raise Conflict(ERR_NO_SLOT, _("No legal-aid consultation is free in the next 4 weeks."))
    channels = slot.allowed_channels()
    channel = channel or ("phone" if "phone" in channels else channels[0])
    description = _("Referred from complaint %(ref)s (%(company)s): %(text)s") % {
        "ref": complaint.reference,
        "company": complaint.company,
        "text": complaint.description,
    }
    return booking_create(
        actor=actor,
        member=complaint.member,
        slot=slot,
        topic=topic,
        description=description[:2000],
        channel=channel,
        now=now,
    )


def mediation_meeting_record(
    *, actor, complaint: Complaint, held_on: dt.date, notes: str, now=None
) -> Step:
    """A mediation meeting with the company, minuted."""
    notes = _text(notes, field="notes", required=True)
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.action != Action.MEDIATION or complaint.status != Status.IN_ACTION:
            raise Conflict(ERR_STATE, _("The complaint is not in mediation."))
        return _step(
            complaint, Step.Kind.MEETING, actor=actor, detail=f"{held_on:%Y-%m-%d} {notes}", now=now
        )


def mediation_settle(*, actor, complaint: Complaint, settlement: str, now=None) -> Complaint:
    """The settlement agreed in mediation (Labour Dispute Mediation and Arbitration Law art. 14)."""
    settlement = _text(settlement, field="settlement", required=True)
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.action != Action.MEDIATION or complaint.status != Status.IN_ACTION:
            raise Conflict(ERR_STATE, _("The complaint is not in mediation."))
        complaint.settlement = settlement
        complaint.settlement_honoured = None
        complaint.save()
        _step(complaint, Step.Kind.SETTLEMENT, actor=actor, detail=settlement, now=now)
    return complaint


def settlement_honoured_record(
    *, actor, complaint: Complaint, honoured: bool, now=None
) -> Complaint:
    """Whether the company kept the settlement. When it did not, the member may apply for
    arbitration (Labour Dispute Mediation and Arbitration Law art. 15)."""
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        if not complaint.settlement:
            raise Conflict(ERR_STATE, _("No settlement has been recorded."))
        complaint.settlement_honoured = bool(honoured)
        complaint.save()
        detail = (
            _("Honoured.")
            if honoured
            else _(
                "Not honoured: the member may apply for labour arbitration (Labour Dispute "
                "Mediation and Arbitration Law art. 15)."
            )
        )
        _step(complaint, Step.Kind.HONOURED, actor=actor, detail=detail, now=now)
    return complaint


def notice_issue(
    *, actor, complaint: Complaint, text: str, now: dt.datetime | None = None
) -> Complaint:
    """A labour-law supervision notice (劳动法律监督意见书) to the company; it must answer in
    writing within 15 working days (《工会劳动法律监督办法》(2021) art. 20)."""
    now = now or timezone.now()
    text = _text(text, field="text", required=True)
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_status(complaint, Status.ASSIGNED, Status.IN_ACTION)
        _start_action(complaint, Action.SUPERVISION)
        complaint.notice_text = text
        complaint.notice_issued_at = now
        complaint.notice_reply_due = deadlines.notice_reply_due(
            now.astimezone(deadlines.SHANGHAI).date()
        )
        complaint.notice_reply = ""
        complaint.notice_replied_at = None
        complaint.save()
        _step(
            complaint,
            Step.Kind.NOTICE,
            actor=actor,
            detail=_("Reply due by %(date)s") % {"date": f"{complaint.notice_reply_due:%Y-%m-%d}"},
            now=now,
        )
    return complaint


def notice_reply_record(*, actor, complaint: Complaint, reply: str, now=None) -> Complaint:
    """The company's written reply to the supervision notice (recorded by staff or the
    company side itself)."""
    now = now or timezone.now()
    reply = _text(reply, field="reply", required=True)
    if not (
        is_handler(user=actor, complaint=complaint)
        or is_company_side(user=actor, complaint=complaint)
    ):
        raise NotAllowed(_("Only the union's staff or the company may record the reply."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.notice_issued_at is None or complaint.notice_replied_at is not None:
            raise Conflict(ERR_STATE, _("There is no supervision notice awaiting a reply."))
        complaint.notice_reply = reply
        complaint.notice_replied_at = now
        complaint.save()
        _step(complaint, Step.Kind.REPLY, actor=actor, detail=reply, now=now)
    return complaint


def complaint_resolve(*, actor, complaint: Complaint, outcome: str, now=None) -> Complaint:
    """The officer records the outcome; the member is asked to rate it."""
    now = now or timezone.now()
    outcome = _text(outcome, field="outcome", required=True)
    _require_handler(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_status(complaint, Status.ASSIGNED, Status.IN_ACTION)
        complaint.status = Status.RESOLVED
        complaint.outcome = outcome
        complaint.resolved_at = now
        complaint.save()
        _step(complaint, Step.Kind.RESOLVED, actor=actor, detail=outcome, now=now)
    return complaint


def complaint_rate(*, member, complaint: Complaint, rating: int, comment: str = "", now=None):
    """The member rates the outcome; this closes the complaint."""
    now = now or timezone.now()
    if complaint.member_id != member.pk:
        raise NotAllowed(_("Only the member who filed the complaint may rate it."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(ERR_RATING, _("Rate from 1 to 5."), field="rating")
    comment = _text(comment, field="comment")
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_status(complaint, Status.RESOLVED)
        complaint.rating = rating
        complaint.rating_comment = comment
        complaint.status = Status.CLOSED
        complaint.closed_at = now
        complaint.save()
        _step(complaint, Step.Kind.RATED, actor=member, detail=f"{rating}/5", now=now)
    return complaint


def complaints_tick(now: dt.datetime | None = None) -> int:
    """Remind the union's staff of complaints not triaged in time (once per complaint), and of
    those due within the next day. Idempotent: run by the scheduler."""
    now = now or timezone.now()
    due_soon = Complaint.objects.filter(
        status=Status.SUBMITTED,
        triage_reminded_at__isnull=True,
        triage_due__lt=now + dt.timedelta(days=1),
    ).select_related("union")
    sent = 0
    for complaint in due_soon:
        overdue = complaint.triage_due < now
        text = (
            _("Complaint %(ref)s was not triaged by %(due)s.")
            if overdue
            else _("Complaint %(ref)s must be triaged by %(due)s.")
        ) % {
            "ref": complaint.reference,
            "due": f"{complaint.triage_due.astimezone(deadlines.SHANGHAI):%Y-%m-%d %H:%M}",
        }
        with transaction.atomic():
            updated = Complaint.objects.filter(
                pk=complaint.pk, triage_reminded_at__isnull=True
            ).update(triage_reminded_at=now)
            if not updated:
                continue
            staff_ids = set()
            for union in [complaint.union, *complaint.union.ancestors()]:
                staff_ids.update(union.staff_links.values_list("user_id", flat=True))
                if staff_ids:
                    break
            Notice.objects.bulk_create([Notice(user_id=uid, text=text) for uid in staff_ids])
            sent += len(staff_ids)
    return sent


def complaint_add_evidence(
    *, member, complaint: Complaint, files: list[tuple[str, bytes]]
) -> list[Evidence]:
    """The member adds evidence while the complaint is open (images or PDF, size-limited)."""
    if complaint.member_id != member.pk:
        raise NotAllowed(_("Only the member who filed the complaint may add evidence."))
    _require_status(complaint, Status.SUBMITTED, Status.ASSIGNED, Status.IN_ACTION)
    checked = check_attachments(list(files))
    with transaction.atomic():
        _save_evidence(complaint, checked)
    return list(complaint.evidence.order_by("-id")[: len(checked)])
