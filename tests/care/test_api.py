"""The care API contract (API.md "Care"): shapes, status codes and who sees what, per role."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from tests.care.conftest import EN, apply, post, registered
from tests.care.test_services import png_bytes
from unionhome.care.models import Claim
from unionhome.membership import selectors as membership_selectors

pytestmark = pytest.mark.django_db

BODY = {
    "cause": "work_injury",
    "household_size": 4,
    "income_per_head": 1200,
    "description": "送餐途中摔伤，停工三个月。",
}


def test_member_applies_then_a_second_is_409(client, care):
    client.force_login(care.rider2)
    response = post(client, "/api/v1/care/hardship", BODY)
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    second = post(client, "/api/v1/care/hardship", BODY)
    assert second.status_code == 409
    assert second.json()["code"] == "open_file_exists" and second.json()["detail"]
    mine = client.get("/api/v1/care/hardship/mine", **EN).json()
    assert [f["cause"] for f in mine] == ["work_injury"]
    # The member does not see staff-only parts.
    assert "visits" not in mine[0] or mine[0]["visits"] is None


def test_bad_input_is_422_with_detail(client, care):
    client.force_login(care.rider2)
    for body in ({**BODY, "cause": "x"}, {**BODY, "household_size": 0}, {"cause": "other"}):
        response = post(client, "/api/v1/care/hardship", body)
        assert response.status_code == 422, body
        assert response.json()["detail"]


def test_anonymous_is_401(client, care):
    assert post(client, "/api/v1/care/hardship", BODY).status_code == 401


def test_who_reads_a_file(client, care):
    file = apply(care.rider2)
    url = f"/api/v1/care/hardship/{file.pk}"
    expected = {
        care.rider2: 200,  # the member
        care.rider1: 404,  # another member
        care.union_admin: 200,  # staff of the member's union
        care.other_staff: 404,  # staff of another union
        care.admin: 200,  # federation staff
    }
    for user, status in expected.items():
        client.force_login(user)
        response = client.get(url, **EN)
        assert response.status_code == status, user.username
        if status == 200:
            staff_view = user != care.rider2
            assert ("member" in response.json() and response.json()["member"] is not None) == (
                staff_view
            )
        client.logout()


def test_staff_actions_per_role(client, care):
    file = apply(care.rider2)
    base = f"/api/v1/care/hardship/{file.pk}"
    today = timezone.localdate().isoformat()
    visit = {"visited_on": today, "notes": "家访：属实"}
    for user in (care.rider2, care.rider1, care.other_staff):
        client.force_login(user)
        assert post(client, f"{base}/visit", visit).status_code == 404, user.username
        assert (
            post(client, f"{base}/decide", {"decision": "declined", "reason": "x"}).status_code
            == 404
        )
    client.force_login(care.union_admin)
    assert post(client, f"{base}/visit", visit).status_code == 201
    response = post(client, f"{base}/decide", {"decision": "registered", "level": "hardship"})
    assert response.status_code == 200 and response.json()["status"] == "registered"
    aid = {"kind": "cash", "amount": "500.00", "given_on": today, "fund": "帮扶资金"}
    for user in (care.rider2, care.other_staff):
        client.force_login(user)
        assert post(client, f"{base}/aid", aid).status_code == 404
    client.force_login(care.admin)
    assert post(client, f"{base}/aid", aid).status_code == 201
    assert post(client, f"{base}/aid", {**aid, "kind": "lottery"}).status_code == 422
    client.force_login(care.rider2)
    mine = client.get(base, **EN).json()
    assert mine["status"] == "registered" and mine["level"] == "hardship"
    assert [a["kind"] for a in mine["aid"]] == ["cash"]


def test_documents_by_type_size_and_reader(client, care):
    file = apply(care.rider2)
    client.force_login(care.rider2)
    url = f"/api/v1/care/hardship/{file.pk}/documents"
    bad = client.post(url, {"file": io.BytesIO(b"<script>")}, **EN)
    assert bad.status_code == 422 and bad.json()["code"] == "attachment_type"
    upload = io.BytesIO(png_bytes())
    upload.name = "证明.png"
    created = client.post(url, {"file": upload}, **EN)
    assert created.status_code == 201
    download = created.json()["url"]
    assert client.get(download).status_code == 200
    for user, status in ((care.rider1, 404), (care.other_staff, 404), (care.union_admin, 200)):
        client.force_login(user)
        assert client.get(download, **EN).status_code == status


def test_staff_list_and_export(client, care):
    registered(care)
    client.force_login(care.union_admin)
    assert len(client.get("/api/v1/care/hardship", **EN).json()) == 1
    export = client.get("/api/v1/care/hardship/export.csv", **EN)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    client.force_login(care.other_staff)
    assert client.get("/api/v1/care/hardship", **EN).json() == []
    client.force_login(care.rider1)
    assert client.get("/api/v1/care/hardship", **EN).json() == []


def card_token(member):
    membership = member.memberships.get(status="active")
    return membership_selectors.card_url(membership=membership)


def test_campaigns_list_and_claims(client, care):
    campaigns = client.get("/api/v1/care/campaigns", **EN).json()
    assert campaigns[0]["limit_per_member"] == 2
    assert {s["name"]: s["remaining"] for s in campaigns[0]["stations"]} == {
        "骑手驿站（滨江）": 5,
        "骑手驿站（新城）": 1,
    }
    url = f"/api/v1/care/campaigns/{care.campaign.pk}/claims"
    body = {"station_id": care.station_b.pk, "card_token": card_token(care.rider1)}
    client.force_login(care.rider3)
    assert post(client, url, body).status_code == 404  # a member is not station staff
    client.force_login(care.other_staff)
    assert post(client, url, body).status_code == 404
    client.force_login(care.union_admin)
    first = post(client, url, body)
    assert first.status_code == 201 and first.json()["remaining"] == 0
    no_stock = post(client, url, {**body, "card_token": card_token(care.rider2)})
    assert no_stock.status_code == 409 and no_stock.json()["code"] == "out_of_stock"
    body["station_id"] = care.station_a.pk
    assert post(client, url, body).status_code == 201
    over = post(client, url, body)
    assert over.status_code == 409 and over.json()["code"] == "limit_reached"
    bad = post(client, url, {**body, "card_token": "forged:token"})
    assert bad.status_code == 422
    visitor = post(client, url, {"station_id": care.station_a.pk, "visitor": True})
    assert visitor.status_code == 201
    assert Claim.objects.filter(member__isnull=True).count() == 1
    assert Claim.objects.filter(member=care.rider1).count() == 2


def test_claims_outside_the_dates_are_refused(client, care):
    care.campaign.starts_on = timezone.localdate() + dt.timedelta(days=1)
    care.campaign.ends_on = care.campaign.starts_on
    care.campaign.save()
    client.force_login(care.union_admin)
    response = post(
        client,
        f"/api/v1/care/campaigns/{care.campaign.pk}/claims",
        {"station_id": care.station_a.pk, "card_token": card_token(care.rider1)},
    )
    assert response.status_code == 409 and response.json()["code"] == "campaign_not_running"
    assert client.get("/api/v1/care/campaigns").json() == []
