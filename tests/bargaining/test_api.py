import pytest

from bargaining.models import Event

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_case_list_and_detail_shape(client, demo, case):
    client.force_login(demo["union_side"][2])
    listed = client.get("/api/v1/bargaining/cases").json()
    assert [c["id"] for c in listed] == [case.pk]
    detail = client.get(f"/api/v1/bargaining/cases/{case.pk}").json()
    assert {"id", "title", "status", "union_id", "employer", "items", "sides"} <= detail.keys()
    assert detail["union_id"] == demo["union"].pk and detail["employer"] == "示范即送科技有限公司"
    assert {i["topic"] for i in detail["items"]} == {
        "pay",
        "protection",
        "hours",
        "rewards_penalties",
        "safety",
    }
    assert {"id", "topic", "title", "unit", "status"} <= detail["items"][0].keys()
    assert len(detail["sides"]["union"]["representatives"]) == 3
    pay = next(i for i in detail["items"] if i["topic"] == "pay")
    assert pay["employer_offer"]["breaks_floor"] is True and pay["gap"] == "0.50"


def test_outsiders_get_404_and_anonymous_401(client, demo, case):
    assert client.get(f"/api/v1/bargaining/cases/{case.pk}").status_code == 401
    client.force_login(demo["riders"][0])
    assert client.get(f"/api/v1/bargaining/cases/{case.pk}").status_code == 404
    assert client.get(f"/api/v1/bargaining/cases/{case.pk}/events").status_code == 404
    assert client.get("/api/v1/bargaining/cases").json() == []


def test_events_after_n_hide_the_other_caucus(client, demo, case):
    client.force_login(demo["platform_side"][1])
    rows = client.get(f"/api/v1/bargaining/cases/{case.pk}/events?after=3").json()
    seqs = [r["seq"] for r in rows]
    assert seqs == sorted(seqs) and min(seqs) == 4
    assert "union_caucus" not in {r["audience"] for r in rows}
    assert "employer_caucus" in {r["audience"] for r in rows}
    expected = Event.objects.filter(case=case, seq__gt=3).exclude(audience="union_caucus").count()
    assert len(rows) == expected


def test_observer_reads_table_events_only(client, demo, case):
    client.force_login(demo["union_admin"])
    rows = client.get(f"/api/v1/bargaining/cases/{case.pk}/events").json()
    assert rows and {r["audience"] for r in rows} == {"table"}
    response = client.post(
        f"/api/v1/bargaining/cases/{case.pk}/chat",
        {"room": "table", "text": "hi"},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 403 and response.json()["code"] == "not_representative"


def test_rest_offer_is_idempotent_by_client_id(client, demo, case):
    pay = case.items.get(topic="pay")
    client.force_login(demo["union_side"][0])
    body = {"item": pay.pk, "value": 8.45, "client_id": "rest-1"}
    url = f"/api/v1/bargaining/cases/{case.pk}/offers"
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["seq"] == again.json()["seq"] and again.json()["repeated"] is True
    bad = client.post(url, {"item": pay.pk, "value": "x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_value"


def test_accept_needing_override_is_409(client, demo, case):
    pay = case.items.get(topic="pay")
    client.force_login(demo["union_side"][0])
    url = f"/api/v1/bargaining/cases/{case.pk}/items/{pay.pk}/accept"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "floor_override_required"


def test_chart_svg(client, demo, case):
    pay = case.items.get(topic="pay")
    client.force_login(demo["union_side"][0])
    response = client.get(f"/api/v1/bargaining/cases/{case.pk}/items/{pay.pk}/chart.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.count(b"<polyline") == 2
