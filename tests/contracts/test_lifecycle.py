"""Every transition of the contract lifecycle, with time passed in explicitly."""

import datetime as dt
import hashlib
import io

import pytest
from docx import Document

from bargaining.contracts import services
from bargaining.contracts.models import Contract, ContractVersion
from bargaining.models import Case, Event
from tests.contracts.conftest import at, make_case, ratify, seat_congress
from unionhome.core.errors import DomainError


def status(case) -> str:
    return Case.objects.get(pk=case.pk).status


def kinds(case) -> list[str]:
    return list(Event.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


def test_draft_generates_versioned_docx_in_both_languages(case, core):
    chief = core["union_side"][0]
    first = services.contract_draft(case=case, by=chief)
    assert status(case) == "draft"
    assert first.number == 1 and first.language == "zh-hans"
    content = first.file.read()
    assert hashlib.sha256(content).hexdigest() == first.sha256
    body = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "每单基础配送费不低于6.50元/单" in body
    assert "（草案）" in body
    second = services.contract_draft(case=case, by=core["platform_side"][0])
    assert second.number == 2
    # Same text, same hash; a changed item changes it.
    assert second.sha256 == first.sha256
    case.items.filter(topic="pay").update(agreed_value="6.60")
    third = services.contract_draft(case=case, by=core["union_admin"])
    assert third.number == 3 and third.sha256 != first.sha256
    versions = ContractVersion.objects.filter(contract__case=case)
    assert sorted(versions.values_list("number", "language")) == [
        (1, "en"),
        (1, "zh-hans"),
        (2, "en"),
        (2, "zh-hans"),
        (3, "en"),
        (3, "zh-hans"),
    ]
    assert kinds(case).count("contract.drafted") == 3


def test_draft_refused_while_items_are_open(core):
    case = make_case(core, status="active", item_status="tentative")
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0])
    assert error.value.status == 409 and error.value.code == "items_open"
    assert "每单基础配送费" in error.value.detail
    assert not Contract.objects.filter(case=case).exists()


def test_draft_needs_a_chief_or_staff_and_outsiders_get_404(case, core):
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][1])
    assert error.value.status == 403
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["riders"][0])
    assert error.value.status == 404
    services.contract_draft(case=case, by=core["union_admin"])
    assert status(case) == "draft"


def test_bad_term_is_refused(case, core):
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0], term_years="2.55")
    assert error.value.status == 422 and error.value.code == "invalid_term"


def test_ratification_ballot_uses_the_collective_contract_rule(case, core):
    chief = core["union_side"][0]
    seat_congress(core)
    services.contract_draft(case=case, by=chief)
    with pytest.raises(DomainError) as error:
        services.contract_submit_for_ratification(
            case=case, by=core["platform_side"][0], body="congress"
        )
    assert error.value.status == 403
    ballot = services.contract_submit_for_ratification(
        case=case, by=chief, body="congress", now=at(2026, 3, 1, 9)
    )
    assert ballot.rule == "collective_contract"
    assert ballot.union_id == case.union_id
    assert ballot.closes_at - ballot.opens_at == dt.timedelta(days=7)
    assert status(case) == "ratification"
    assert Contract.objects.get(case=case).ballot_id == ballot.pk
    with pytest.raises(DomainError) as error:
        services.contract_record_ratification(case=case, now=at(2026, 3, 2, 9))
    assert error.value.code == "ballot_not_closed"


def test_ratified_when_the_members_approve(case, core):
    case = ratify(case, core, passed=True)
    assert case.status == "ratified"
    assert Contract.objects.get(case=case).ratified_at is not None


def test_rejected_goes_back_to_bargaining(case, core):
    case = ratify(case, core, passed=False)
    assert case.status == "rejected"
    services.contract_resume_bargaining(case=case, by=core["union_side"][0])
    case.refresh_from_db()
    assert case.status == "active"
    assert set(case.items.values_list("status", flat=True)) == {"open"}
    assert "contract.reopened" in kinds(case)


def test_signing_before_ratification_is_a_conflict(case, core):
    services.contract_draft(case=case, by=core["union_side"][0])
    with pytest.raises(DomainError) as error:
        services.contract_sign(case=case, by=core["union_side"][0])
    assert error.value.status == 409 and error.value.code == "not_ratified"


def test_both_chiefs_sign_then_filing_deadline(case, core):
    case = ratify(case, core)
    with pytest.raises(DomainError) as error:
        services.contract_sign(case=case, by=core["union_side"][1])
    assert error.value.status == 403
    services.contract_sign(case=case, by=core["union_side"][0], now=at(2026, 3, 10, 10))
    assert status(case) == "ratified"
    with pytest.raises(DomainError) as error:
        services.contract_sign(case=case, by=core["union_side"][0], now=at(2026, 3, 10, 11))
    assert error.value.code == "already_signed"
    contract = services.contract_sign(
        case=case, by=core["platform_side"][0], now=at(2026, 3, 11, 1, 30)
    )
    assert status(case) == "signed"
    assert contract.union_signed_by == core["union_side"][0]
    assert contract.employer_signed_by == core["platform_side"][0]
    # Day 10 is Saturday 21 March: the period ends on Monday 23 (Civil Code art. 203).
    assert contract.filing_due == dt.date(2026, 3, 23)
    signed = contract.versions.filter(language="zh-hans").order_by("-number").first()
    assert signed.case_status == "signed"
    document = Document(signed.file.open("rb"))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "日期：2026年3月10日" in cells and "日期：2026年3月11日" in cells
    assert "（草案）" not in "\n".join(p.text for p in document.paragraphs)


def signed_case(core, when=None):
    case = ratify(make_case(core), core)
    when = when or at(2026, 3, 11, 10)
    services.contract_sign(case=case, by=core["union_side"][0], now=when)
    services.contract_sign(case=case, by=core["platform_side"][0], now=when)
    return case


def test_filing_by_the_employer_side_starts_the_objection_period(core):
    case = signed_case(core)
    with pytest.raises(DomainError) as error:
        services.contract_file(case=case, by=core["union_side"][0])
    assert error.value.status == 403
    contract = services.contract_file(
        case=case, by=core["platform_side"][1], reference="备案 2026-01", now=at(2026, 3, 15, 9)
    )
    assert status(case) == "filed"
    assert contract.objection_due == dt.date(2026, 3, 30)


def test_in_force_fifteen_days_after_filing_then_expiring_and_expired(core):
    case = signed_case(core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 15, 9))
    assert services.contracts_tick(now=at(2026, 3, 30, 23, 59))["advanced"] == 0
    assert status(case) == "filed"
    services.contracts_tick(now=at(2026, 3, 31, 0, 1))
    assert status(case) == "in_force"
    contract = Contract.objects.get(case=case)
    assert contract.effective_on == dt.date(2026, 3, 31)
    assert contract.expires_on == dt.date(2029, 3, 30)
    assert contract.renewal_opens_on == dt.date(2028, 12, 31)
    services.contracts_tick(now=at(2028, 12, 30, 12))
    assert status(case) == "in_force"
    services.contracts_tick(now=at(2028, 12, 31, 0, 5))
    assert status(case) == "expiring"
    services.contracts_tick(now=at(2029, 3, 31, 0, 5))
    assert status(case) == "expired"
    assert {"contract.in_force", "contract.expiring", "contract.expired"} <= set(kinds(case))


def test_a_late_tick_catches_up_in_one_run(core):
    case = signed_case(core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 15, 9))
    services.contracts_tick(now=at(2030, 1, 1, 9))
    assert status(case) == "expired"


def test_objection_within_fifteen_days_is_recorded(core):
    case = signed_case(core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 15, 9))
    with pytest.raises(DomainError) as error:
        services.contract_record_objection(case=case, by=core["union_admin"], text="  ")
    assert error.value.status == 422
    contract = services.contract_record_objection(
        case=case, by=core["union_admin"], text="第五条不符合规定", now=at(2026, 3, 20, 9)
    )
    assert status(case) == "objected"
    assert contract.objection == "第五条不符合规定"
    services.contracts_tick(now=at(2026, 4, 30, 9))
    assert status(case) == "objected"


def test_objection_after_the_period_is_refused(core):
    case = signed_case(core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 15, 9))
    with pytest.raises(DomainError) as error:
        services.contract_record_objection(
            case=case, by=core["union_admin"], text="迟到的异议", now=at(2026, 3, 31, 9)
        )
    assert error.value.code == "objection_period_over"


def test_filing_reminder_once_a_day_from_three_days_before(
    core, django_capture_on_commit_callbacks
):
    from unionhome.core import sms

    case = signed_case(core, when=at(2026, 3, 11, 10))
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.contracts_tick(now=at(2026, 3, 19, 9))["reminded"] == 0
        assert services.contracts_tick(now=at(2026, 3, 20, 9))["reminded"] >= 1
        assert services.contracts_tick(now=at(2026, 3, 20, 15))["reminded"] == 0
    phones = [phone for phone, _ in sms.outbox]
    assert "+8613700137001" in phones  # the employer chief
    # Day 10 is Saturday 21 March 2026: the period ends on Monday 23 (Civil Code art. 203).
    assert any("2026-03-23" in message for _, message in sms.outbox)
    assert "contract.filing_reminder" in kinds(case)


def test_renewal_opens_a_new_case_with_the_items(core):
    case = signed_case(core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 15, 9))
    services.contracts_tick(now=at(2029, 1, 5, 9))
    new_case = services.contract_request_renewal(
        case=case, by=core["platform_side"][0], now=at(2029, 1, 5, 10)
    )
    assert new_case.status == "requested"
    assert new_case.requested_by_side == "employer"
    assert list(new_case.items.values_list("title", flat=True)) == list(
        case.items.values_list("title", flat=True)
    )
    assert new_case.representatives.filter(user=core["union_side"][0], role="chief").exists()
    with pytest.raises(DomainError) as error:
        services.contract_request_renewal(case=case, by=core["union_side"][0])
    assert error.value.code == "renewal_exists"


def test_term_agreed_as_an_item_sets_the_contract_term(core):
    from bargaining.models import AgendaItem

    case = make_case(core)
    AgendaItem.objects.create(
        case=case,
        topic="term",
        title="合同期限",
        value_kind="quantity",
        unit="年",
        status="agreed",
        agreed_value="2",
        position=9,
    )
    services.contract_draft(case=case, by=core["union_side"][0])
    contract = Contract.objects.get(case=case)
    assert contract.term_years == 2
    version = contract.versions.get(number=1, language="zh-hans")
    articles = [a for c in version.content["chapters"] for a in c["articles"]]
    assert "本合同期限为2年，自本合同生效之日起至期满之日止。" in articles


def test_renewal_requested_early_is_allowed_with_a_note(core):
    """Art. 38 gives the right in the last three months; art. 32 lets either side ask for
    bargaining at any time, so an earlier request is recorded with a note, not refused."""
    case = signed_case(core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 15, 9))
    services.contracts_tick(now=at(2026, 4, 1, 9))
    assert status(case) == "in_force"
    new_case = services.contract_request_renewal(
        case=case, by=core["union_side"][0], now=at(2026, 4, 2, 9)
    )
    assert "art. 38" in new_case.request_text or "第三十八条" in new_case.request_text
    event = Event.objects.filter(case=case, kind="contract.renewal").get()
    assert event.payload["early"] is True
