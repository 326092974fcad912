"""The legal rules of drafting, ratifying and filing a contract, each at its boundary."""

import datetime as dt
import io
import zipfile

import pytest
from docx import Document

from bargaining.contracts import documents, services
from bargaining.contracts.models import Contract
from bargaining.models import AgendaItem, Case
from bargaining.services import event_append
from tests.contracts.conftest import at, ratify
from unionhome.core.errors import DomainError


def add_item(case, **values):
    defaults = {"status": "agreed", "position": 20, "unit": ""}
    defaults.update(values)
    defaults.setdefault("agreed_text", str(defaults.get("agreed_value")))
    return AgendaItem.objects.create(case=case, **defaults)


def articles(case, language="zh-hans"):
    version = Contract.objects.get(case=case).versions.filter(language=language)
    content = version.order_by("-number").first().content
    return {c["key"]: c["articles"] for c in content["chapters"]}


def test_a_contract_breaking_a_mandatory_floor_cannot_be_drafted(case, core):
    """Labour Contract Law art. 55: even with a chief's override recorded during the talks, a
    break of 15 minutes after 4 hours (plan §2) stops the draft with 409 floor_breach listing
    the item. Shown able to fail: with ``check_floors(case)`` removed from
    drafting.contract_draft the draft was generated ("DID NOT RAISE DomainError") and this
    test went red; restored."""
    item = add_item(
        case,
        topic="protection",
        title="连续在线4小时后的休息时间",
        value_kind="minutes",
        statutory_check="break_minutes",
        break_after_hours="4",
        agreed_value="15.00",
        agreed_override="双方同意",
    )
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0])
    assert error.value.status == 409 and error.value.code == "floor_breach"
    assert [i["id"] for i in error.value.extra["items"]] == [item.pk]
    assert error.value.extra["items"][0]["findings"][0]["code"] == "break_too_short"
    assert not Contract.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).status == "agreed"
    # At the floor it drafts.
    AgendaItem.objects.filter(pk=item.pk).update(agreed_value="20.00")
    services.contract_draft(case=case, by=core["union_side"][0])


def test_a_break_after_six_hours_is_a_floor_breach_however_long(case, core):
    add_item(
        case,
        topic="hours",
        title="强制休息",
        value_kind="minutes",
        statutory_check="break_minutes",
        break_after_hours="6",
        agreed_value="30.00",
    )
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0])
    assert error.value.extra["items"][0]["findings"][0]["code"] == "break_too_late"


def test_an_overridden_non_mandatory_warning_drafts_and_is_in_the_minutes(case, core):
    add_item(
        case,
        topic="pay",
        title="每日劳动定额",
        value_kind="quantity",
        statutory_check="labour_quota",
        throughput_sample=["1", "2", "3"],
        agreed_value="100.00",
        agreed_override="试行三个月",
    )
    services.contract_draft(case=case, by=core["union_side"][0])
    event_append(
        case=Case.objects.get(pk=case.pk),
        kind="item.tentative",
        payload={
            "item": case.items.get(title="每日劳动定额").pk,
            "display": "100",
            "override": "试行三个月",
        },
    )
    minutes = documents.minutes_content(case, "zh-hans")
    assert any("试行三个月" in (entry.text or "") for entry in minutes.entries)


def test_insurance_above_100_yuan_drafts(case, core):
    add_item(
        case,
        topic="safety",
        title="意外伤害保险",
        value_kind="money",
        statutory_check="insurance_subsidy",
        agreed_value="300.00",
    )
    services.contract_draft(case=case, by=core["union_side"][0])


def term_item(case, value):
    return add_item(case, topic="term", title="合同期限", value_kind="quantity", agreed_value=value)


def test_the_agreed_term_and_the_contract_term_must_agree(case, core):
    """Collective Contract Provisions art. 38: a contradicting term is refused, not rounded."""
    term_item(case, "2")
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0], term_years=3)
    assert error.value.status == 409 and error.value.code == "term_conflict"
    services.contract_draft(case=case, by=core["union_side"][0], term_years=2)
    assert "本合同期限为2年，自本合同生效之日起至期满之日止。" in articles(case)["term"]


def test_a_term_of_two_and_a_half_years_is_kept(case, core):
    term_item(case, "2.5")
    services.contract_draft(case=case, by=core["union_side"][0])
    assert Contract.objects.get(case=case).term_years == pytest.approx(2.5)
    assert "本合同期限为2.5年，自本合同生效之日起至期满之日止。" in articles(case)["term"]


def test_a_term_outside_one_to_three_years_needs_a_confirmation(case, core):
    term_item(case, "5")
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0])
    assert error.value.code == "term_unusual"
    services.contract_draft(case=case, by=core["union_side"][0], confirm_term="行业惯例")
    contract = Contract.objects.get(case=case)
    assert (contract.term_years, contract.term_note) == (5, "行业惯例")
    assert "本合同期限为5年，自本合同生效之日起至期满之日止。" in articles(case)["term"]


def test_term_boundaries_one_and_three_years_need_no_confirmation(case, core):
    item = term_item(case, "1")
    services.contract_draft(case=case, by=core["union_side"][0])
    AgendaItem.objects.filter(pk=item.pk).update(agreed_value="3")
    services.contract_draft(case=case, by=core["union_side"][0])
    AgendaItem.objects.filter(pk=item.pk).update(agreed_value="3.5")
    with pytest.raises(DomainError) as error:
        services.contract_draft(case=case, by=core["union_side"][0])
    assert error.value.code == "term_unusual"


def test_hours_items_fill_the_working_hours_chapter(case, core):
    add_item(
        case,
        topic="hours",
        title="每日累计在线时长上限",
        value_kind="hours",
        unit="小时",
        agreed_value="10.00",
    )
    services.contract_draft(case=case, by=core["union_side"][0])
    assert any("每日累计在线时长上限为10小时" in a for a in articles(case)["hours"])


def test_the_filing_clause_sends_three_copies(case, core):
    """Collective Contract Provisions art. 42: "一式三份报送" the labour administration."""
    services.contract_draft(case=case, by=core["union_side"][0])
    text = " ".join(articles(case)["supplementary"])
    assert "一式三份报送劳动保障行政部门" in text
    assert "备案一份" not in text


def signed(case, core):
    case = ratify(case, core)
    services.contract_sign(case=case, by=core["union_side"][0], now=at(2026, 3, 11, 10))
    services.contract_sign(case=case, by=core["platform_side"][0], now=at(2026, 3, 11, 10))
    case.refresh_from_db()
    return case


def test_objection_period_runs_from_receipt(case, core):
    """Art. 47: 15 days from the day the administration RECEIVED the text."""
    case = signed(case, core)
    contract = services.contract_file(
        case=case,
        by=core["platform_side"][0],
        received_on=dt.date(2026, 3, 17),
        now=at(2026, 3, 16, 9),
    )
    assert contract.objection_due == dt.date(2026, 4, 1)
    with pytest.raises(DomainError):
        services.contract_set_filing_received(
            case=case, by=core["union_admin"], received_on=dt.date(2026, 3, 18), reason=""
        )
    contract = services.contract_set_filing_received(
        case=case, by=core["union_admin"], received_on=dt.date(2026, 3, 18), reason="邮戳"
    )
    assert contract.objection_due == dt.date(2026, 4, 2)
    # An objection on the last day counts; the day after does not.
    services.contract_record_objection(
        case=case, by=core["union_admin"], text="x", now=at(2026, 4, 2, 20)
    )


def test_an_objection_reopens_only_the_items_objected_to(case, core):
    """Art. 46: only the objected items go back to the table."""
    case = signed(case, core)
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 16, 9))
    pay = case.items.get(topic="pay")
    services.contract_record_objection(
        case=case,
        by=core["union_admin"],
        text="配送费低于标准",
        item_ids=[pay.pk],
        now=at(2026, 3, 20, 9),
    )
    services.contract_resume_bargaining(case=case, by=core["union_side"][0])
    statuses = dict(case.items.values_list("topic", "status"))
    assert statuses.pop("pay") == "open"
    assert set(statuses.values()) == {"tentative"}


def test_notice_cover_letter_and_contract_name_the_body_that_voted(case, core):
    case = signed(case, core)
    contract = Contract.objects.get(case=case)
    assert contract.ratifying_body == "congress"
    package = services.contract_filing_package(case=case, language="zh-hans")
    texts = []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for name in archive.namelist():
            document = Document(io.BytesIO(archive.read(name)))
            texts.append("\n".join(p.text for p in document.paragraphs))
    notice, cover = texts[1], texts[3]
    for text in (notice, cover):
        assert "职工代表大会" in text
        assert "5" in text and "4" in text and "3" in text  # eligible, attended, in favour
    assert "全体会员" not in notice
    body = " ".join(a for arts in articles(case).values() for a in arts)
    assert "职工代表大会" in body


def test_the_contract_says_which_workers_a_clause_covers(case, core):
    """Labour Law art. 44 binds only a labour relationship: the clause says whom it covers."""
    add_item(
        case,
        topic="pay",
        title="法定节假日工资",
        value_kind="percent",
        unit="%",
        statutory_check="holiday_multiple",
        covers="labour_contract",
        agreed_value="300.00",
    )
    services.contract_draft(case=case, by=core["union_side"][0])
    assert any("法定节假日工资" in a and "订立劳动合同的劳动者" in a for a in articles(case)["pay"])
