"""Complaint services: every transition, its refusals, and the triage deadline reminder."""

import datetime as dt

import pytest

from legalaid.complaints import services
from legalaid.complaints.deadlines import SHANGHAI
from legalaid.complaints.models import Complaint, Status, Step
from legalaid.models import Booking, Notice
from tests.complaints.conftest import COMPANY, png_bytes
from unionhome.core.errors import DomainError

# A Friday morning in Shanghai; no holiday until the next Friday.
FRIDAY = dt.datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI)


def file(ctx, member=None, **extra):
    data = {
        "member": member or ctx["rider3"],
        "category": "wage_arrears",
        "company": COMPANY,
        "description": "二月配送费未结清。",
        "happened_on": dt.date(2026, 2, 28),
        "wants": "补发工资",
        "now": FRIDAY,
    }
    data.update(extra)
    return services.complaint_file(**data)


def assigned(ctx, **extra):
    complaint = file(ctx, **extra)
    return services.complaint_assign(
        actor=ctx["union_admin"], complaint=complaint, officer=ctx["union_admin"], now=FRIDAY
    )


def test_file_sets_reference_deadline_and_first_step(ctx):
    complaint = file(ctx, evidence=[("截图.png", png_bytes())])
    assert complaint.status == Status.SUBMITTED
    assert complaint.reference == f"TS2026{complaint.pk:06d}"
    assert complaint.disclose_identity is False
    # Friday: Monday and Tuesday are the two working days.
    assert complaint.triage_due == dt.datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert complaint.union == ctx["union"]
    assert [s.kind for s in complaint.steps.all()] == ["submitted"]
    evidence = complaint.evidence.get()
    assert evidence.content_type == "image/png"
    # Private storage: no public URL, and the file is not under MEDIA_ROOT.
    from django.conf import settings

    assert not str(evidence.file.path).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("company", "  ", services.ERR_COMPANY),
        ("category", "", services.ERR_CATEGORY),
        ("category", "bogus", services.ERR_CATEGORY),
        ("description", "", services.ERR_DESCRIPTION),
        ("happened_on", dt.date(2026, 3, 7), services.ERR_DATE),
    ],
)
def test_file_rejects_bad_input(ctx, field, value, code):
    with pytest.raises(DomainError) as err:
        file(ctx, **{field: value})
    assert err.value.code == code and err.value.status == 422
    assert not Complaint.objects.exists()


def test_file_rejects_bad_evidence_and_writes_nothing(ctx):
    with pytest.raises(DomainError) as err:
        file(ctx, evidence=[("x.png", b"not an image")])
    assert err.value.code == "attachment_type"
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF"
    with pytest.raises(DomainError) as err:
        file(ctx, evidence=[("big.pdf", big)])
    assert err.value.code == "attachment_too_large"
    assert not Complaint.objects.exists()


def test_only_members_file(ctx):
    with pytest.raises(DomainError) as err:
        file(ctx, member=ctx["outsider"])
    assert err.value.status == 403


def test_assign_only_by_union_staff_and_to_union_staff(ctx):
    complaint = file(ctx)
    for actor in (ctx["rider1"], ctx["company_user"], ctx["volunteers"][0]):
        with pytest.raises(DomainError) as err:
            services.complaint_assign(actor=actor, complaint=complaint, officer=ctx["union_admin"])
        assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        services.complaint_assign(
            actor=ctx["union_admin"], complaint=complaint, officer=ctx["rider1"]
        )
    assert err.value.code == services.ERR_OFFICER
    complaint = services.complaint_assign(
        actor=ctx["union_admin"], complaint=complaint, officer=ctx["union_admin"]
    )
    assert complaint.status == Status.ASSIGNED and complaint.officer == ctx["union_admin"]


def test_actions_need_an_officer_first(ctx):
    complaint = file(ctx)
    with pytest.raises(DomainError) as err:
        services.complaint_advise(actor=ctx["union_admin"], complaint=complaint, advice="x")
    assert err.value.status == 409


def test_mediation_meeting_settlement_not_honoured_then_resolve_and_rate(ctx):
    complaint = assigned(ctx)
    staff = ctx["union_admin"]
    complaint = services.complaint_refer(actor=staff, complaint=complaint, to="mediation")
    assert complaint.action == "mediation" and complaint.status == Status.IN_ACTION
    services.mediation_meeting_record(
        actor=staff, complaint=complaint, held_on=dt.date(2026, 3, 9), notes="与站点经理面谈"
    )
    complaint = services.mediation_settle(
        actor=staff, complaint=complaint, settlement="3月15日前补发 820 元"
    )
    complaint = services.settlement_honoured_record(
        actor=staff, complaint=complaint, honoured=False
    )
    assert complaint.settlement_honoured is False
    last = complaint.steps.last()
    assert "art. 15" in last.detail or "第十五条" in last.detail
    with pytest.raises(DomainError) as err:
        services.complaint_rate(member=ctx["rider3"], complaint=complaint, rating=4)
    assert err.value.status == 409
    complaint = services.complaint_resolve(actor=staff, complaint=complaint, outcome="已补发")
    with pytest.raises(DomainError):
        services.complaint_rate(member=ctx["rider1"], complaint=complaint, rating=4)
    with pytest.raises(DomainError) as err:
        services.complaint_rate(member=ctx["rider3"], complaint=complaint, rating=6)
    assert err.value.code == services.ERR_RATING
    complaint = services.complaint_rate(member=ctx["rider3"], complaint=complaint, rating=4)
    assert complaint.status == Status.CLOSED and complaint.rating == 4
    assert [s.kind for s in complaint.steps.all()] == [
        "submitted",
        "assigned",
        "mediation",
        "meeting",
        "settlement",
        "honoured",
        "resolved",
        "rated",
    ]
    with pytest.raises(DomainError) as err:
        services.complaint_rate(member=ctx["rider3"], complaint=complaint, rating=5)
    assert err.value.status == 409


def test_meeting_outside_mediation_is_refused(ctx):
    complaint = assigned(ctx)
    with pytest.raises(DomainError) as err:
        services.mediation_meeting_record(
            actor=ctx["union_admin"], complaint=complaint, held_on=dt.date(2026, 3, 9), notes="x"
        )
    assert err.value.status == 409


def test_advice(ctx):
    complaint = services.complaint_advise(
        actor=ctx["union_admin"], complaint=assigned(ctx), advice="保留订单截图，先向站点申诉。"
    )
    assert complaint.action == "advice" and complaint.advice.startswith("保留")


def test_labour_inspection_referral(ctx):
    complaint = services.complaint_refer(
        actor=ctx["union_admin"], complaint=assigned(ctx), to="labour_inspection", now=FRIDAY
    )
    assert complaint.inspection_referred_at == FRIDAY
    assert complaint.steps.filter(kind=Step.Kind.INSPECTION).exists()


def test_unknown_referral(ctx):
    with pytest.raises(DomainError) as err:
        services.complaint_refer(actor=ctx["union_admin"], complaint=assigned(ctx), to="police")
    assert err.value.code == services.ERR_REFER_TO


def test_legal_aid_referral_books_a_consultation_with_the_topic(ctx):
    from django.utils import timezone

    from legalaid.slot_supply import slots_materialise
    from tests.legalaid.conftest import every_day, make_volunteer

    volunteer = make_volunteer(ctx["volunteers"][0], ctx["union"], [], does_phone=True)
    every_day(volunteer, None, channel="phone")
    now = timezone.now()
    today = now.astimezone(SHANGHAI).date()
    slots_materialise(
        volunteer=volunteer, first_day=today, last_day=today + dt.timedelta(days=7), now=now
    )
    complaint = file(ctx, now=now)
    complaint = services.complaint_assign(
        actor=ctx["union_admin"], complaint=complaint, officer=ctx["union_admin"], now=now
    )
    complaint = services.complaint_refer(
        actor=ctx["union_admin"], complaint=complaint, to="legal_aid", now=now
    )
    booking = Booking.objects.get(pk=complaint.booking_id)
    assert booking.member == ctx["rider3"]
    assert booking.topic == "wage_arrears"
    assert complaint.reference in booking.description
    assert booking.slot.start >= now + dt.timedelta(hours=4)


def test_legal_aid_referral_without_a_free_slot_is_a_conflict(ctx):
    complaint = assigned(ctx)
    with pytest.raises(DomainError) as err:
        services.complaint_refer(actor=ctx["union_admin"], complaint=complaint, to="legal_aid")
    assert err.value.code == services.ERR_NO_SLOT
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED and complaint.action == ""


def test_supervision_notice_deadline_and_company_reply(ctx):
    complaint = assigned(ctx)
    # Issued on Friday 2026-09-18: 25-27 Sep and 1-7 Oct are holidays; 20 Sep and 10 Oct
    # are bridged working days.
    issued = dt.datetime(2026, 9, 18, 9, 0, tzinfo=SHANGHAI)
    complaint = services.notice_issue(
        actor=ctx["union_admin"], complaint=complaint, text="请补发配送费", now=issued
    )
    # 20, 21, 22, 23, 24, 28, 29, 30 Sep, 8, 9, 10, 12, 13, 14, 15 Oct.
    assert complaint.notice_reply_due == dt.date(2026, 10, 15)
    with pytest.raises(DomainError) as err:
        services.notice_reply_record(actor=ctx["rider1"], complaint=complaint, reply="x")
    assert err.value.status == 403
    complaint = services.notice_reply_record(
        actor=ctx["company_user"], complaint=complaint, reply="已整改"
    )
    assert complaint.notice_reply == "已整改" and complaint.notice_replied_at
    with pytest.raises(DomainError) as err:
        services.notice_reply_record(actor=ctx["union_admin"], complaint=complaint, reply="再次")
    assert err.value.status == 409


def test_evidence_added_later_by_the_member_only(ctx):
    complaint = file(ctx)
    with pytest.raises(DomainError):
        services.complaint_add_evidence(
            member=ctx["rider1"], complaint=complaint, files=[("a.png", png_bytes())]
        )
    services.complaint_add_evidence(
        member=ctx["rider3"], complaint=complaint, files=[("a.png", png_bytes())]
    )
    assert complaint.evidence.count() == 1


def test_tick_reminds_staff_once_when_triage_is_due(ctx):
    complaint = file(ctx)
    # Monday: more than a day before Tuesday's end → nothing yet.
    assert services.complaints_tick(now=dt.datetime(2026, 3, 9, 12, tzinfo=SHANGHAI)) == 0
    # Tuesday morning: due within a day → the union's staff hear of it, once.
    tuesday = dt.datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    assert services.complaints_tick(now=tuesday) == 1
    assert services.complaints_tick(now=tuesday) == 0
    notice = Notice.objects.get(user=ctx["union_admin"])
    assert complaint.reference in notice.text


def test_tick_ignores_triaged_complaints(ctx):
    assigned(ctx)
    assert services.complaints_tick(now=dt.datetime(2026, 3, 20, tzinfo=SHANGHAI)) == 0
