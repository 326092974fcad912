import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from bargaining import case_setup, selectors, services
from bargaining.models import (
    Case,
    CaseStatus,
    Event,
    ItemStatus,
    MinimumWage,
    Representative,
    RoundStatus,
    Side,
)
from legalaid import holidays
from unionhome.core.errors import DomainError

pytestmark = pytest.mark.django_db


def users(prefix, n):
    User = get_user_model()
    return [User.objects.create_user(f"{prefix}{i}", password="x") for i in range(n)]


@pytest.fixture
def fresh(demo):
    """A new requested case with no representatives yet."""
    case = case_setup.case_request(
        union=demo["union"],
        employer="Demo Co.",
        title="Case",
        request_text="We request bargaining.",
        by=demo["union_side"][0],
    )
    return case


def test_request_sets_deadline_and_logs(fresh):
    assert fresh.status == CaseStatus.REQUESTED
    assert fresh.answer_due - fresh.requested_at >= dt.timedelta(days=20)
    # Day 20 after receipt, moved to the next working day if it is a day of rest (Civil Code
    # art. 203): at most a long holiday later.
    assert fresh.answer_due - fresh.requested_at < dt.timedelta(days=30)
    due = timezone.localtime(fresh.answer_due).date()
    assert holidays.is_working_day(due)
    assert Event.objects.get(case=fresh, seq=1).kind == "request.sent"


def test_request_needs_written_text(demo):
    with pytest.raises(DomainError) as exc:
        case_setup.case_request(union=demo["union"], employer="X", title="T", request_text=" ")
    assert exc.value.code == "request_text_required"


def test_refusal_needs_reason_and_only_the_other_side_answers(demo, fresh):
    staff = demo["union_admin"]
    union_reps, employer_reps = users("u", 3), users("e", 3)
    case_setup.representatives_set(
        case=fresh,
        side=Side.UNION,
        users=union_reps,
        chief=union_reps[0],
        by=staff,
        delegation={"reference": "委托书"},
    )
    case_setup.representatives_set(
        case=fresh, side=Side.EMPLOYER, users=employer_reps, chief=employer_reps[0], by=staff
    )
    with pytest.raises(DomainError) as exc:
        case_setup.case_answer_request(case=fresh, by=union_reps[0], accept=True)
    assert exc.value.status == 403
    with pytest.raises(DomainError) as exc:
        case_setup.case_answer_request(case=fresh, by=employer_reps[0], accept=False)
    assert exc.value.code == "reason_required"
    case = case_setup.case_answer_request(
        case=fresh, by=employer_reps[0], accept=False, reason="No."
    )
    assert case.status == CaseStatus.REFUSED and case.answer == "refused"


def test_representative_rules(demo, fresh):
    staff = demo["union_admin"]
    a, b = users("a", 3), users("b", 3)
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(
            case=fresh, side=Side.UNION, users=a[:2], chief=a[0], by=staff
        )
    assert exc.value.code == "too_few_representatives"
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(case=fresh, side=Side.UNION, users=a, chief=b[0], by=staff)
    assert exc.value.code == "chief_not_representative"
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(case=fresh, side=Side.UNION, users=a, chief=a[0], by=a[0])
    assert exc.value.status == 403
    # Art. 20: the union chair is union_chief, not a[0]: a written delegation is required.
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(case=fresh, side=Side.UNION, users=a, chief=a[0], by=staff)
    assert exc.value.code == "delegation_required"
    warnings = case_setup.representatives_set(
        case=fresh,
        side=Side.UNION,
        users=a,
        chief=a[0],
        by=staff,
        delegation={"delegator": "赵工会", "reference": "委托书1号"},
    )
    assert warnings == []
    assert fresh.delegations.get(side=Side.UNION).delegate == a[0]
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(
            case=fresh, side=Side.EMPLOYER, users=[a[1], *b[:2]], chief=b[0], by=staff
        )
    assert exc.value.code == "both_sides"
    warnings = case_setup.representatives_set(
        case=fresh, side=Side.EMPLOYER, users=[*b, *users("c", 1)], chief=b[0], by=staff
    )
    # No legal representative recorded for the employer: a warning; before talks start an
    # unequal team is a warning, once they run it is refused (see the test below).
    assert "unequal_sides" in warnings and "legal_representative_unknown" in warnings
    assert selectors.case_team_problems(fresh) == ["unequal_sides"]
    # Changing a side is logged and keeps history.
    case_setup.representatives_set(case=fresh, side=Side.EMPLOYER, users=b, chief=b[1], by=staff)
    assert fresh.chief(Side.EMPLOYER) == b[1]
    assert Representative.objects.filter(case=fresh, active=False).count() == 1
    changes = Event.objects.filter(case=fresh, kind="representatives.changed")
    assert changes.count() == 3
    assert selectors.case_team_problems(fresh) == []


def test_outside_experts_at_most_a_third_and_never_chief(demo, fresh):
    """Collective Contract Provisions art. 23."""
    staff = demo["union_admin"]
    team = [*demo["union_side"], *users("x", 3)]
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(
            case=fresh, side=Side.UNION, users=team, chief=team[0], by=staff, externals=team[3:6]
        )
    assert exc.value.code == "too_many_externals"  # 3 of 6 is more than a third
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(
            case=fresh, side=Side.UNION, users=team, chief=team[3], by=staff, externals=team[3:5]
        )
    assert exc.value.code == "external_chief"
    case_setup.representatives_set(
        case=fresh, side=Side.UNION, users=team, chief=team[0], by=staff, externals=team[4:6]
    )
    assert fresh.representatives.filter(active=True, external=True).count() == 2


def test_teams_stay_equal_when_changed_during_talks(demo, case):
    """Collective Contract Provisions art. 19: equal numbers whenever a team changes."""
    staff = demo["union_admin"]
    bigger = [*demo["platform_side"], *users("y", 1)]
    with pytest.raises(DomainError) as exc:
        case_setup.representatives_set(
            case=case, side=Side.EMPLOYER, users=bigger, chief=bigger[0], by=staff
        )
    assert exc.value.code == "unequal_sides" and exc.value.status == 409
    swapped = [*demo["platform_side"][:2], *users("z", 1)]
    case_setup.representatives_set(
        case=case, side=Side.EMPLOYER, users=swapped, chief=swapped[0], by=staff
    )


def test_answer_due_runs_from_receipt_and_a_late_answer_is_flagged(demo, fresh):
    """Art. 32: 20 days from the day the request was RECEIVED."""
    staff = demo["union_admin"]
    sent_on = timezone.localtime(fresh.requested_at).date()
    with pytest.raises(DomainError):
        case_setup.case_set_request_received(
            case=fresh, by=staff, received_on=sent_on + dt.timedelta(days=3), reason=" "
        )
    moved = case_setup.case_set_request_received(
        case=fresh, by=staff, received_on=sent_on + dt.timedelta(days=3), reason="挂号信签收"
    )
    due_day = timezone.localtime(moved.answer_due).date()
    assert due_day >= sent_on + dt.timedelta(days=23)
    assert due_day <= sent_on + dt.timedelta(days=26)  # at most a weekend/holiday later
    Case.objects.filter(pk=fresh.pk).update(answer_due=timezone.now() - dt.timedelta(hours=1))
    team = users("ans", 3)
    case_setup.representatives_set(
        case=fresh, side=Side.EMPLOYER, users=team, chief=team[0], by=staff
    )
    answered = case_setup.case_answer_request(case=fresh, by=team[0], accept=True)
    assert answered.answered_late is True
    event = Event.objects.filter(case=fresh, kind="request.answered").get()
    assert event.payload["late"] is True


def test_database_refuses_a_person_on_both_sides(fresh):
    (person,) = users("p", 1)
    Representative.objects.create(case=fresh, side=Side.UNION, user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.create(case=fresh, side=Side.EMPLOYER, user=person)


def test_database_refuses_two_chiefs(fresh):
    a = users("q", 2)
    Representative.objects.create(case=fresh, side=Side.UNION, user=a[0], role="chief")
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.create(case=fresh, side=Side.UNION, user=a[1], role="chief")


def test_rounds_alternate_chairs_and_only_the_chair_closes(demo, case):
    uc, pc = demo["union_side"][0], demo["platform_side"][0]
    current = case.rounds.get(status=RoundStatus.OPEN)
    assert (current.number, current.chair_side) == (2, Side.EMPLOYER)
    with pytest.raises(DomainError) as exc:
        services.round_close(case=case, by=uc)
    assert exc.value.code == "not_chair"
    with pytest.raises(DomainError) as exc:
        services.round_close(case=case, by=demo["platform_side"][1])
    assert exc.value.code == "not_chief"
    services.round_close(case=case, by=pc)
    with pytest.raises(DomainError) as exc:
        services.round_open(case=case, by=demo["union_side"][2])
    assert exc.value.code == "not_chief"
    services.round_open(case=case, by=pc)
    assert case.rounds.get(status=RoundStatus.OPEN).chair_side == Side.UNION
    with pytest.raises(DomainError) as exc:
        services.round_open(case=case, by=uc)
    assert exc.value.code == "round_open"


def test_offer_needs_open_round_and_open_item(demo, case):
    uc, pc = demo["union_side"][0], demo["platform_side"][0]
    appeal = case.items.get(topic="rewards_penalties")
    assert appeal.status == ItemStatus.TENTATIVE  # equal offers in round 1
    with pytest.raises(DomainError) as exc:
        services.offer_submit(case=case, by=uc, item_id=appeal.pk, value=False)
    assert exc.value.code == "item_not_open"
    services.round_close(case=case, by=pc)
    pay = case.items.get(topic="pay")
    with pytest.raises(DomainError) as exc:
        services.offer_submit(case=case, by=uc, item_id=pay.pk, value="9")
    assert exc.value.code == "no_open_round"


def test_values_of_the_wrong_kind_are_refused(demo, case):
    uc = demo["union_side"][0]
    pay = case.items.get(topic="pay")
    for bad in (True, "abc", None, [1], -1, "NaN", "Infinity"):
        with pytest.raises(DomainError) as exc:
            services.offer_submit(case=case, by=uc, item_id=pay.pk, value=bad)
        assert exc.value.code == "invalid_value", bad


def test_floor_breaking_offer_is_flagged_and_accepting_it_needs_a_chiefs_override(demo, case):
    uc, u2, pc = demo["union_side"][0], demo["union_side"][1], demo["platform_side"][0]
    pay = case.items.get(topic="pay")
    result = services.offer_submit(case=case, by=pc, item_id=pay.pk, value="8.00")
    assert result.event.payload["breaks_floor"] is True
    assert result.event.payload["findings"][0]["code"] == "below_hourly_minimum"
    with pytest.raises(DomainError) as exc:
        services.item_accept(case=case, by=u2, item_id=pay.pk)
    assert exc.value.code == "floor_override_required"
    with pytest.raises(DomainError) as exc:
        services.item_accept(case=case, by=u2, item_id=pay.pk, override="riders asked")
    assert exc.value.code == "not_chief"
    result = services.item_accept(case=case, by=uc, item_id=pay.pk, override="bonus covers it")
    pay.refresh_from_db()
    assert pay.status == ItemStatus.TENTATIVE and pay.agreed_value == "8.00"
    assert pay.agreed_override == "bonus covers it"
    assert result.event.kind == "item.tentative" and result.event.payload["override"]


def test_equal_offers_agree_unless_a_floor_breaks(demo, case):
    uc, pc = demo["union_side"][0], demo["platform_side"][0]
    rest = case.items.get(topic="protection")
    services.offer_submit(case=case, by=uc, item_id=rest.pk, value=19)
    services.offer_submit(case=case, by=pc, item_id=rest.pk, value="19")
    rest.refresh_from_db()
    assert rest.status == ItemStatus.OPEN  # equal but below the 20-minute floor
    services.offer_submit(case=case, by=uc, item_id=rest.pk, value=25)
    result = services.offer_submit(case=case, by=pc, item_id=rest.pk, value="25.0")
    rest.refresh_from_db()
    assert rest.status == ItemStatus.TENTATIVE and rest.agreed_value == "25.00"
    assert result.event.kind == "item.tentative" and result.event.payload["cause"] == "equal_offers"


def test_accept_other_sides_standing_offer_and_reopen(demo, case):
    uc, u3, pc = demo["union_side"][0], demo["union_side"][2], demo["platform_side"][0]
    subsidy = case.items.get(topic="safety")
    services.item_accept(case=case, by=u3, item_id=subsidy.pk)
    subsidy.refresh_from_db()
    assert subsidy.agreed_value == "80.00" and subsidy.agreed_text == "80 元/人/年"
    with pytest.raises(DomainError) as exc:
        services.item_reopen(case=case, by=u3, item_id=subsidy.pk)
    assert exc.value.code == "not_chief"
    services.item_reopen(case=case, by=pc, item_id=subsidy.pk)
    subsidy.refresh_from_db()
    assert subsidy.status == ItemStatus.OPEN and subsidy.agreed_value is None
    with pytest.raises(DomainError) as exc:
        services.item_reopen(case=case, by=uc, item_id=subsidy.pk)
    assert exc.value.code == "item_not_tentative"


def test_suspension_by_agreement_and_resume(demo, case):
    uc, pc = demo["union_side"][0], demo["platform_side"][0]
    when = timezone.now() + dt.timedelta(days=7)
    services.case_suspend(case=case, by=uc, next_meeting_at=when)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.suspension_proposed_by == Side.UNION
    services.case_suspend(case=case, by=pc, next_meeting_at=when)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED and case.next_meeting_at == when
    assert not case.rounds.filter(status=RoundStatus.OPEN).exists()
    pay = case.items.get(topic="pay")
    with pytest.raises(DomainError) as exc:
        services.offer_submit(case=case, by=uc, item_id=pay.pk, value="9")
    assert exc.value.code == "case_status"
    services.case_resume(case=case, by=pc)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    with pytest.raises(DomainError):
        services.case_suspend(
            case=case, by=uc, next_meeting_at=timezone.now() - dt.timedelta(days=1)
        )


def test_agreement_needs_every_item_and_both_chiefs(demo, case):
    uc, pc = demo["union_side"][0], demo["platform_side"][0]
    with pytest.raises(DomainError) as exc:
        services.case_confirm_agreement(case=case, by=uc)
    assert exc.value.code == "items_open"
    for item in case.items.filter(status=ItemStatus.OPEN):
        services.item_accept(case=case, by=uc, item_id=item.pk, override="test override")
    services.case_confirm_agreement(case=case, by=uc)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    result = services.case_confirm_agreement(case=case, by=pc)
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED and result.event.kind == "case.agreed"
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.AGREED}
    item = case.items.first()
    with pytest.raises(DomainError):
        services.item_reopen(case=case, by=uc, item_id=item.pk)


def test_reopening_resets_a_confirmation(demo, case):
    uc, pc = demo["union_side"][0], demo["platform_side"][0]
    for item in case.items.filter(status=ItemStatus.OPEN):
        services.item_accept(case=case, by=pc, item_id=item.pk, override="x")
    services.case_confirm_agreement(case=case, by=uc)
    services.item_reopen(case=case, by=pc, item_id=case.items.first().pk)
    case.refresh_from_db()
    assert case.union_confirmed_at is None


def test_chat_goes_to_the_senders_caucus(demo, case):
    result = services.chat_send(case=case, by=demo["platform_side"][2], room="caucus", text="hi")
    assert result.event.audience == "employer_caucus"
    with pytest.raises(DomainError) as exc:
        services.chat_send(case=case, by=demo["union_admin"], room="table", text="hi")
    assert exc.value.code == "not_representative"


def test_outsider_gets_not_found(demo, case):
    with pytest.raises(DomainError) as exc:
        services.chat_send(case=case, by=demo["riders"][0], room="table", text="hi")
    assert exc.value.status == 404


def test_client_id_is_idempotent_and_seq_is_gap_free(demo, case):
    uc = demo["union_side"][0]
    before = case.events.count()
    first = services.chat_send(case=case, by=uc, room="table", text="a", client_id="abc")
    again = services.chat_send(case=case, by=uc, room="table", text="a", client_id="abc")
    assert again.repeated and again.seq == first.seq
    assert case.events.count() == before + 1
    seqs = list(case.events.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_minimum_wage_falls_back_to_the_city(demo, case):
    from bargaining.selectors import minimum_wage_for

    assert minimum_wage_for(region_code="310115").hourly == Decimal("25.00")
    MinimumWage.objects.filter(region_code="310115").delete()
    assert minimum_wage_for(region_code="310115").region_code == "310000"
    assert minimum_wage_for(region_code="999999") is None


def test_reminders_text_both_sides(demo, fresh):
    from unionhome.core import sms

    staff = demo["union_admin"]
    case_setup.representatives_set(
        case=fresh, side=Side.UNION, users=demo["union_side"], chief=demo["union_side"][0], by=staff
    )
    sms.outbox.clear()
    sent = case_setup.case_send_reminders(now=fresh.answer_due - dt.timedelta(days=2))
    assert sent >= 3 and any(fresh.title in m for _, m in sms.outbox)
    assert case_setup.case_send_reminders(now=fresh.answer_due - dt.timedelta(days=2)) == 0
    assert Event.objects.filter(case=fresh, kind="request.reminder").count() == 1


def test_quota_check_uses_uploaded_throughput(demo, case):
    staff = demo["union_admin"]
    quota = case_setup.item_add(
        case=case,
        by=staff,
        topic="protection",
        title="Daily orders",
        value_kind="quantity",
        unit="orders/day",
        statutory_check="labour_quota",
    )
    csv_text = "worker,per_hour\n" + "\n".join(f"w{i},{i}" for i in range(1, 11))
    assert case_setup.item_set_throughput(item=quota, by=staff, csv_text=csv_text) == 10
    uc = demo["union_side"][0]
    ok = services.offer_submit(case=case, by=uc, item_id=quota.pk, value=16)
    bad = services.offer_submit(case=case, by=uc, item_id=quota.pk, value=17)
    assert ok.event.payload["breaks_floor"] is False
    assert bad.event.payload["findings"][0]["code"] == "quota_not_feasible"


def test_reminder_command(demo, fresh):
    from io import StringIO

    from django.core.management import call_command

    staff = demo["union_admin"]
    case_setup.representatives_set(
        case=fresh, side=Side.UNION, users=demo["union_side"], chief=demo["union_side"][0], by=staff
    )
    out = StringIO()
    call_command("bargaining_reminders", "--days", "25", stdout=out)
    assert out.getvalue().startswith(tuple("123456789"))
    call_command("bargaining_reminders", "--days", "1", stdout=out)
    assert Event.objects.filter(case=fresh, kind="request.reminder").count() == 1
