"""The contract API: downloads and lifecycle actions, per role."""

import io
import zipfile

import pytest
from docx import Document

from bargaining.contracts import services
from tests.contracts.conftest import at, make_case, ratify

pytestmark = pytest.mark.urls("tests.contracts.urls_api")

BASE = "/api/v1/bargaining/cases"


def get(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en", **extra)


def post(client, user, url, data=None):
    client.force_login(user)
    return client.post(
        url, data=data or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_anonymous_gets_401(client, case):
    assert client.get(f"{BASE}/{case.pk}/contract.docx").status_code == 401


def test_draft_before_agreement_lists_the_open_items(client, core):
    case = make_case(core, status="active", item_status="open")
    response = post(client, core["union_side"][0], f"{BASE}/{case.pk}/contract/draft")
    assert response.status_code == 409
    assert response.json()["code"] == "items_open"
    assert "每单基础配送费" in response.json()["detail"]


def test_draft_and_download_by_each_role(client, case, core):
    response = post(client, core["union_side"][0], f"{BASE}/{case.pk}/contract/draft")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert {v["language"] for v in body["versions"]} == {"zh-hans", "en"}
    assert "submit" in body["actions"]
    url = f"{BASE}/{case.pk}/contract.docx"
    for user in (
        core["union_side"][0],
        core["union_side"][2],
        core["platform_side"][1],
        core["union_admin"],
    ):
        response = get(client, user, url)
        assert response.status_code == 200, user
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        Document(io.BytesIO(response.content))
    english = get(client, core["union_admin"], url + "?lang=en")
    text = "\n".join(p.text for p in Document(io.BytesIO(english.content)).paragraphs)
    assert "Chapter 1. General provisions" in text
    # A member may not read a draft; a stranger never sees the case.
    assert get(client, core["riders"][0], url).status_code == 404
    assert get(client, core["volunteers"][0], url).status_code == 404
    assert get(client, core["volunteers"][0], f"{BASE}/{case.pk}/contract").status_code == 404


def test_no_contract_yet_is_404_with_code(client, case, core):
    response = get(client, core["union_side"][0], f"{BASE}/{case.pk}/contract.docx")
    assert response.status_code == 404
    assert response.json()["code"] == "no_contract"


def test_members_download_once_ratified_but_not_minutes(client, case, core):
    case = ratify(case, core)
    member = core["riders"][0]
    assert get(client, member, f"{BASE}/{case.pk}/contract.docx").status_code == 200
    detail = get(client, member, f"{BASE}/{case.pk}/contract").json()
    assert detail["status"] == "ratified" and detail["versions"] == [] and detail["actions"] == []
    assert get(client, member, f"{BASE}/{case.pk}/minutes.docx").status_code == 404
    assert get(client, member, f"{BASE}/{case.pk}/filing.zip").status_code == 404
    assert post(client, member, f"{BASE}/{case.pk}/contract/sign").status_code == 404


def test_members_of_another_union_see_nothing(client, case, core):
    from unionhome.membership.models import Membership

    case = ratify(case, core)
    member = core["riders"][1]
    Membership.objects.filter(user=member).update(union=core["regional"])
    assert get(client, member, f"{BASE}/{case.pk}/contract.docx").status_code == 404


def test_sign_before_ratification_is_409(client, case, core):
    post(client, core["union_side"][0], f"{BASE}/{case.pk}/contract/draft")
    response = post(client, core["union_side"][0], f"{BASE}/{case.pk}/contract/sign")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ratified"


def test_sign_file_object_through_the_api(client, case, core):
    case = ratify(case, core)
    assert post(client, core["union_side"][1], f"{BASE}/{case.pk}/contract/sign").status_code == 403
    assert post(client, core["union_side"][0], f"{BASE}/{case.pk}/contract/sign").status_code == 200
    body = post(client, core["platform_side"][0], f"{BASE}/{case.pk}/contract/sign").json()
    assert body["status"] == "signed" and body["filing_due"]
    assert body["deadlines"][0]["due"] == body["filing_due"]
    response = post(client, core["union_side"][0], f"{BASE}/{case.pk}/contract/file", {})
    assert response.status_code == 403
    response = post(
        client, core["platform_side"][0], f"{BASE}/{case.pk}/contract/file", {"reference": "A-1"}
    )
    assert response.status_code == 200 and response.json()["status"] == "filed"
    response = post(
        client, core["union_admin"], f"{BASE}/{case.pk}/contract/objection", {"text": ""}
    )
    assert response.status_code == 422
    response = post(
        client, core["union_admin"], f"{BASE}/{case.pk}/contract/objection", {"text": "异议"}
    )
    assert response.json()["status"] == "objected"


def test_minutes_and_filing_package(client, case, core):
    from bargaining.services import event_append

    event_append(case=case, kind="round.opened", payload={"number": 1, "chair_side": "union"})
    case = ratify(case, core)
    minutes = get(client, core["union_admin"], f"{BASE}/{case.pk}/minutes.docx?lang=zh-hans")
    assert minutes.status_code == 200
    rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(minutes.content)).tables[0].rows]
    assert any("第1轮开始" in row[1] or "Round 1 opened" in row[1] for row in rows)
    # The package exists once both chiefs have signed.
    url = f"{BASE}/{case.pk}/filing.zip?lang=zh-hans"
    assert get(client, core["union_admin"], url).status_code == 409
    services.contract_sign(case=case, by=core["union_side"][0], now=at(2026, 3, 10, 9))
    services.contract_sign(case=case, by=core["platform_side"][0], now=at(2026, 3, 10, 9))
    response = get(client, core["platform_side"][0], url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 4
    documents = {n: Document(io.BytesIO(archive.read(n))) for n in names}
    notice = "\n".join(p.text for p in documents[names[1]].paragraphs)
    assert "5" in notice and ("通过" in notice or "approved" in notice)
    letter = "\n".join(p.text for p in documents[names[3]].paragraphs)
    assert "示范市浦江区" in letter
    # Union staff get the ballots app's own result notice in the package.
    staff_zip = zipfile.ZipFile(io.BytesIO(get(client, core["union_admin"], url).content))
    official = Document(io.BytesIO(staff_zip.read(staff_zip.namelist()[1])))
    official_text = "\n".join(p.text for p in official.paragraphs) + "\n".join(
        c.text for t in official.tables for r in t.rows for c in r.cells
    )
    assert "2026年度外卖配送员集体合同" in official_text
    assert official_text != notice
