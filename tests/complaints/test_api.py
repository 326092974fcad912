"""The complaints API per role: the member, another member, union staff, the company side
(with and without disclosure), a volunteer, federation staff and an outsider."""

import io
import json

import pytest
from docx import Document

from legalaid.complaints import services
from tests.complaints.conftest import COMPANY, png_bytes

URL = "/api/v1/complaints"


def login(client, user):
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def file_by_api(client, ctx, **extra):
    login(client, ctx["rider3"])
    body = {
        "category": "account_penalty",
        "company": COMPANY,
        "description": "账号被无故封停三天。",
        "happened_on": "2026-03-01",
        "disclose_identity": False,
        **extra,
    }
    response = post(client, URL, body)
    assert response.status_code == 201, response.content
    return response.json()


def test_member_files_and_reads_own(client, ctx):
    created = file_by_api(client, ctx)
    assert created["status"] == "submitted" and created["reference"].startswith("TS")
    mine = client.get(f"{URL}/mine").json()
    assert [c["id"] for c in mine] == [created["id"]]
    detail = client.get(f"{URL}/{created['id']}").json()
    assert detail["member"]["name"] == "李强"
    assert detail["steps"][0]["kind"] == "submitted"


@pytest.mark.parametrize("missing", ["company", "category"])
def test_missing_company_or_category_is_422(client, ctx, missing):
    login(client, ctx["rider3"])
    body = {"category": "other", "company": COMPANY, "description": "x", missing: ""}
    response = post(client, URL, body)
    assert response.status_code == 422
    assert response.json()["detail"] and response.json()["code"]


def test_evidence_upload_type_and_size(client, ctx):
    created = file_by_api(client, ctx)
    url = f"{URL}/{created['id']}/evidence"
    bad = client.post(url, {"file": io.BytesIO(b"MZ\x90\x00")}, format="multipart")
    assert bad.status_code == 422 and bad.json()["code"] == "attachment_type"
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10) + b"\n%%EOF")
    big.name = "big.pdf"
    assert client.post(url, {"file": big}).status_code == 422
    good = io.BytesIO(png_bytes())
    good.name = "shot.png"
    response = client.post(url, {"file": good})
    assert response.status_code == 201
    evidence = client.get(f"{URL}/{created['id']}").json()["evidence"]
    download = client.get(evidence[0]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"


def test_other_member_outsider_volunteer_and_federation_get_404(client, ctx):
    created = file_by_api(client, ctx)
    for user in (ctx["rider1"], ctx["outsider"], ctx["volunteers"][0], ctx["admin"]):
        login(client, user)
        assert client.get(f"{URL}/{created['id']}").status_code == 404, user
        assert client.get(f"{URL}/{created['id']}/referral.docx").status_code == 404


def test_union_staff_see_and_refer(client, ctx):
    created = file_by_api(client, ctx)
    login(client, ctx["union_admin"])
    assert client.get(f"{URL}/{created['id']}").json()["member"]["phone"] == "+8613800138003"
    response = post(client, f"{URL}/{created['id']}/refer", {"to": "mediation"})
    assert response.status_code == 409  # no officer yet
    officer = {"officer_id": ctx["union_admin"].pk}
    assert post(client, f"{URL}/{created['id']}/assign", officer).status_code == 200
    response = post(client, f"{URL}/{created['id']}/refer", {"to": "labour_inspection"})
    assert response.status_code == 200 and response.json()["action"] == "labour_inspection"
    docx = client.get(f"{URL}/{created['id']}/referral.docx")
    assert docx.status_code == 200
    assert "李强" not in "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)


def test_member_may_not_act_as_staff(client, ctx):
    created = file_by_api(client, ctx)
    response = post(client, f"{URL}/{created['id']}/refer", {"to": "mediation"})
    assert response.status_code == 404


def _to_mediation(ctx, complaint_id):
    from legalaid.complaints.models import Complaint

    complaint = Complaint.objects.get(pk=complaint_id)
    staff = ctx["union_admin"]
    complaint = services.complaint_assign(actor=staff, complaint=complaint, officer=staff)
    return services.complaint_refer(actor=staff, complaint=complaint, to="mediation")


def test_company_sees_nothing_before_the_union_takes_it_up(client, ctx):
    created = file_by_api(client, ctx)
    login(client, ctx["company_user"])
    assert client.get(f"{URL}/{created['id']}").status_code == 404


def test_company_never_sees_an_undisclosed_identity(client, ctx):
    created = file_by_api(client, ctx)
    complaint = _to_mediation(ctx, created["id"])
    services.notice_issue(actor=ctx["union_admin"], complaint=complaint, text="请撤销封号处罚")
    login(client, ctx["company_user"])
    response = client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    text = response.content.decode()
    body = response.json()
    assert body["member"] is None
    for secret in ("李强", "13800138003", "rider3", "310115"):
        assert secret not in text
    assert "evidence" not in body and "steps" not in body
    notice = client.get(f"{URL}/{created['id']}/notice.docx")
    assert notice.status_code == 200
    document = "\n".join(p.text for p in Document(io.BytesIO(notice.content)).paragraphs)
    assert COMPANY in document and "李强" not in document and "13800138003" not in document
    assert client.get(f"{URL}/{created['id']}/referral.docx").status_code == 404
    evidence = client.get(f"{URL}/{created['id']}/evidence/1")
    assert evidence.status_code == 404
    # The company records its reply to the notice.
    reply = post(client, f"{URL}/{created['id']}/notice/reply", {"text": "已恢复账号"})
    assert reply.status_code == 200 and reply.json()["notice"]["reply"] == "已恢复账号"


def test_company_sees_the_name_when_disclosure_was_allowed(client, ctx):
    created = file_by_api(client, ctx, disclose_identity=True)
    _to_mediation(ctx, created["id"])
    login(client, ctx["company_user"])
    body = client.get(f"{URL}/{created['id']}").json()
    assert body["member"]["name"] == "李强"
    # The masked ID only: never the full number.
    assert body["member"]["id_number"].count("*") >= 8


def test_another_company_sees_nothing(client, ctx):
    from bargaining.consultations.models import CompanyAccount

    created = file_by_api(client, ctx)
    _to_mediation(ctx, created["id"])
    other = ctx["platform_side"][1]
    CompanyAccount.objects.create(user=other, company="另一家平台公司")
    login(client, other)
    assert client.get(f"{URL}/{created['id']}").status_code == 404


def test_patterns_for_staff_and_federation_not_members(client, ctx):
    file_by_api(client, ctx)
    file_by_api(client, ctx, category="wage_arrears", company=" 示范即送科技有限公司 ")
    assert client.get(f"{URL}/patterns").status_code == 403
    for user in (ctx["union_admin"], ctx["admin"]):
        login(client, user)
        body = client.get(f"{URL}/patterns", {"company": COMPANY}).json()
        assert body["total"] == 2
        assert dict(body["by_category"]) == {"account_penalty": 1, "wage_arrears": 1}
        assert "李强" not in json.dumps(body, ensure_ascii=False)
