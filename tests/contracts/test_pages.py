"""The contract pages: lifecycle actions for chiefs and staff, the members' page."""

import pytest

from bargaining.contracts import services
from bargaining.models import Case
from tests.contracts.conftest import at, make_case, ratify

pytestmark = pytest.mark.urls("tests.contracts.urls_api")


def page(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **extra)


def in_force_case(core):
    case = ratify(make_case(core), core)
    services.contract_sign(case=case, by=core["union_side"][0], now=at(2026, 3, 10, 9))
    services.contract_sign(case=case, by=core["platform_side"][0], now=at(2026, 3, 10, 9))
    services.contract_file(case=case, by=core["platform_side"][0], now=at(2026, 3, 12, 9))
    services.contracts_tick(now=at(2026, 3, 28, 9))
    case.refresh_from_db()
    assert case.status == "in_force"
    return case


def test_chief_drafts_from_the_page(client, case, core):
    chief = core["union_side"][0]
    response = page(client, chief, f"/contracts/cases/{case.pk}/")
    assert response.status_code == 200
    assert "生成合同草案" in response.content.decode()
    response = client.post(f"/contracts/cases/{case.pk}/draft/", {"term_years": "2"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "draft"
    html = page(client, chief, f"/contracts/cases/{case.pk}/").content.decode()
    assert "第一章" in html and "每单基础配送费" in html
    # The union chief may call the vote, choosing the body (never the members alone).
    assert "提交草案表决" in html and "职工代表大会" in html and "合同覆盖的全体职工" in html
    html = page(client, core["platform_side"][0], f"/contracts/cases/{case.pk}/").content.decode()
    assert "提交草案表决" not in html


def test_refused_action_shows_the_error(client, case, core):
    client.force_login(core["union_side"][1])
    response = client.post(f"/contracts/cases/{case.pk}/draft/", follow=True)
    assert Case.objects.get(pk=case.pk).status == "agreed"
    assert "message-error" in response.content.decode()


def test_outsiders_get_404(client, case, core):
    assert page(client, core["volunteers"][0], f"/contracts/cases/{case.pk}/").status_code == 404
    assert page(client, core["riders"][0], f"/contracts/cases/{case.pk}/").status_code == 404
    client.force_login(core["riders"][0])
    assert client.post(f"/contracts/cases/{case.pk}/draft/").status_code == 404


def test_filing_deadline_is_shown_after_signature(client, case, core):
    case = ratify(case, core)
    services.contract_sign(case=case, by=core["union_side"][0])
    services.contract_sign(case=case, by=core["platform_side"][0])
    html = page(client, core["platform_side"][0], f"/en/contracts/cases/{case.pk}/").content
    html = html.decode()
    assert "File with the labour administration by" in html
    assert "Record the filing" in html
    assert "Filing package (ZIP)" in html


def test_members_see_the_contract_in_force(client, core):
    case = in_force_case(core)
    member = core["riders"][0]
    response = page(client, member, "/contracts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "第一章" in html and "甲方保证劳动者每单基础配送费不低于6.50元/单。" in html
    assert f"/contracts/cases/{case.pk}/contract.docx" in html
    assert "wechat-hint" not in html
    wechat = page(client, member, "/contracts/", HTTP_USER_AGENT="Mozilla MicroMessenger/8.0")
    assert "wechat-hint" in wechat.content.decode()
    download = page(client, member, f"/contracts/cases/{case.pk}/contract.docx")
    assert download.status_code == 200
    assert page(client, member, f"/contracts/cases/{case.pk}/minutes.docx").status_code == 404
    english = page(client, member, "/en/contracts/").content.decode()
    assert "Chapter 1. General provisions" in english


def test_members_without_a_contract_in_force_see_a_notice(client, case, core):
    services.contract_draft(case=case, by=core["union_side"][0])
    html = page(client, core["riders"][0], "/en/contracts/").content.decode()
    assert "There is no collective contract in force" in html
    other = page(client, core["volunteers"][0], "/en/contracts/").content.decode()
    assert "There is no collective contract in force" in other
