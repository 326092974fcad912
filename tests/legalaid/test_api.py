"""The legal-aid API contract (API.md "Legal aid") and its extensions."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from icalendar import Calendar

from legalaid.models import Booking
from legalaid.slots import SHANGHAI
from tests.legalaid.conftest import future_slot

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, url, body=None, **extra):
    return client.post(
        url, data=json.dumps(body or {}), content_type="application/json", **EN, **extra
    )


def login(client, user):
    client.force_login(user)
    return client


def book_via_api(client, slot, **body):
    payload = {
        "slot_id": slot.pk,
        "topic": "wage_arrears",
        "description": "拖欠工资",
        "channel": slot.channel,
    }
    payload.update(body)
    return post(client, "/api/v1/legalaid/bookings", payload)


def test_slots_list_shape_and_offset(client, la):
    today = timezone.now().astimezone(SHANGHAI).date()
    response = client.get(
        "/api/v1/legalaid/slots",
        {"from": today.isoformat(), "to": (today + dt.timedelta(days=13)).isoformat()},
    )
    assert response.status_code == 200
    rows = response.json()
    assert rows, "the fixture materialised slots"
    first = rows[0]
    assert set(first) >= {"id", "start", "end", "volunteer", "station", "channel"}
    assert first["start"].endswith("+08:00")
    assert dt.datetime.fromisoformat(first["start"]) >= timezone.now()
    assert {row["channel"] for row in rows} == {"in_person", "phone"}
    assert all(row["station"] is None for row in rows if row["channel"] == "phone")


def test_slots_filter_by_day_uses_local_dates(client, la):
    tomorrow = timezone.now().astimezone(SHANGHAI).date() + dt.timedelta(days=1)
    rows = client.get(
        "/api/v1/legalaid/slots", {"from": tomorrow.isoformat(), "to": tomorrow.isoformat()}
    ).json()
    assert rows
    assert {dt.datetime.fromisoformat(r["start"]).astimezone(SHANGHAI).date() for r in rows} == {
        tomorrow
    }


def test_slots_filters_and_bad_range(client, la):
    today = timezone.localdate()
    rows = client.get(
        "/api/v1/legalaid/slots", {"topic": "work_injury", "from": today.isoformat()}
    ).json()
    assert rows and {r["volunteer"]["id"] for r in rows} == {la.v2.pk}
    rows = client.get("/api/v1/legalaid/slots", {"channel": "video"}).json()
    assert rows and {r["volunteer"]["id"] for r in rows} == {la.v1.pk}
    bad = client.get(
        "/api/v1/legalaid/slots",
        {"from": today.isoformat(), "to": (today - dt.timedelta(days=1)).isoformat()},
        **EN,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_range"


def test_booked_slot_disappears_from_list(client, la):
    slot = future_slot(la.v1)
    login(client, la.rider1)
    assert book_via_api(client, slot).status_code == 201
    ids = {row["id"] for row in client.get("/api/v1/legalaid/slots").json()}
    assert slot.pk not in ids


def test_booking_needs_login(client, la):
    response = book_via_api(client, future_slot(la.v1))
    assert response.status_code == 401


def test_booking_created_then_taken_is_409(client, la):
    slot = future_slot(la.v1)
    response = book_via_api(login(client, la.rider1), slot)
    assert response.status_code == 201, response.content
    booking_id = response.json()["id"]
    assert Booking.objects.get(pk=booking_id).member == la.rider1
    client.logout()
    again = book_via_api(login(client, la.rider2), slot)
    assert again.status_code == 409 and again.json()["code"] == "slot_taken"


def test_bad_topic_channel_and_slot_are_422(client, la):
    login(client, la.rider1)
    slot = future_slot(la.v2)
    for body, code in (
        ({"topic": "divorce"}, "invalid_topic"),
        ({"channel": "in_person"}, "invalid_channel"),
        ({"channel": "fax"}, "invalid_channel"),
        ({"slot_id": 999999}, "slot_unavailable"),
        ({"description": ""}, "invalid_description"),
    ):
        response = book_via_api(client, slot, **body)
        assert response.status_code == 422, body
        assert response.json()["code"] == code
    missing = post(client, "/api/v1/legalaid/bookings", {"slot_id": slot.pk})
    assert missing.status_code == 422


def test_session_token_client_can_book(client, la):
    response = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"username": "rider1", "password": "demo-pass-2026"}),
        content_type="application/json",
    )
    token = response.json()["meta"]["session_token"]
    slot = future_slot(la.v1)
    created = client.post(
        "/api/v1/legalaid/bookings",
        data=json.dumps(
            {"slot_id": slot.pk, "topic": "other", "description": "x", "channel": "phone"}
        ),
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert created.status_code == 201, created.content
    mine = client.get("/api/v1/legalaid/bookings", HTTP_X_SESSION_TOKEN=token).json()
    assert [b["id"] for b in mine] == [created.json()["id"]]


def test_ics_parses_back_with_stable_uid(client, la):
    slot = future_slot(la.v1)
    login(client, la.rider1)
    booking_id = book_via_api(client, slot).json()["id"]
    response = client.get(f"/api/v1/legalaid/bookings/{booking_id}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == slot.start
    assert str(event.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    assert event.decoded("dtend") == slot.end
    (tz,) = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Asia/Shanghai"
    assert la.station.address in str(event["LOCATION"])
    uid = str(event["UID"])
    # Members' copy leaves out the member's own case description for workers' eyes only.
    assert "拖欠工资" not in str(event["DESCRIPTION"])
    # Reschedule: same UID, higher SEQUENCE; the volunteer's copy agrees.
    new_slot = la.v1.slots.filter(start__gt=slot.start).exclude(pk=slot.pk).order_by("start")[3]
    moved = post(
        client, f"/api/v1/legalaid/bookings/{booking_id}/reschedule", {"slot_id": new_slot.pk}
    )
    assert moved.status_code == 200, moved.content
    client.logout()
    login(client, la.v1.user)
    again = Calendar.from_ical(client.get(f"/api/v1/legalaid/bookings/{booking_id}.ics").content)
    (event2,) = again.walk("VEVENT")
    assert str(event2["UID"]) == uid
    assert int(event2["SEQUENCE"]) == 1
    assert event2.decoded("dtstart") == new_slot.start
    assert "拖欠工资" in str(event2["DESCRIPTION"])


def test_ics_and_booking_hidden_from_others(client, la):
    login(client, la.rider1)
    booking_id = book_via_api(client, future_slot(la.v1)).json()["id"]
    for user in (la.rider2, la.v2.user, la.outsider):
        client.logout()
        login(client, user)
        assert client.get(f"/api/v1/legalaid/bookings/{booking_id}.ics").status_code == 404
        assert client.get(f"/api/v1/legalaid/bookings/{booking_id}").status_code == 404
        cancel = post(client, f"/api/v1/legalaid/bookings/{booking_id}/cancel", {"reason": "x"})
        assert cancel.status_code == 404
    assert Booking.objects.get(pk=booking_id).status == "booked"


def test_member_cancel_and_volunteer_reason(client, la):
    login(client, la.rider1)
    first = book_via_api(client, future_slot(la.v1)).json()["id"]
    response = client.post(f"/api/v1/legalaid/bookings/{first}/cancel", **EN)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled_member"
    second = book_via_api(client, future_slot(la.v1)).json()["id"]
    client.logout()
    login(client, la.v1.user)
    no_reason = post(client, f"/api/v1/legalaid/bookings/{second}/cancel")
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    ok = post(client, f"/api/v1/legalaid/bookings/{second}/cancel", {"reason": "生病"})
    assert ok.status_code == 200 and ok.json()["cancel_reason"] == "生病"


def test_case_views_per_role(client, la):
    login(client, la.rider1)
    booking_id = book_via_api(client, future_slot(la.v1)).json()["id"]
    own = client.get(f"/api/v1/legalaid/bookings/{booking_id}").json()
    assert own["notes"] is None and own["member"] is None
    assert client.get("/api/v1/legalaid/cases").json() == []
    client.logout()
    login(client, la.v1.user)
    cases = client.get("/api/v1/legalaid/cases?scope=upcoming").json()
    assert [c["id"] for c in cases] == [booking_id]
    assert cases[0]["member"]["name"]
    note = post(client, f"/api/v1/legalaid/bookings/{booking_id}/notes", {"text": "准备材料清单"})
    assert note.status_code == 201
    detail = client.get(f"/api/v1/legalaid/bookings/{booking_id}").json()
    assert [n["text"] for n in detail["notes"]] == ["准备材料清单"]
    client.logout()
    login(client, la.v2.user)
    assert client.get("/api/v1/legalaid/cases?scope=all").json() == []
    client.logout()
    login(client, la.union_admin)
    assert [c["id"] for c in client.get("/api/v1/legalaid/cases?scope=all").json()] == [booking_id]


def test_attachment_upload_and_download_permissions(client, la):
    from PIL import Image

    login(client, la.rider1)
    booking_id = book_via_api(client, future_slot(la.v1)).json()["id"]
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "工资条.jpg"
    upload = client.post(f"/api/v1/legalaid/bookings/{booking_id}/attachments", {"file": buffer})
    assert upload.status_code == 201, upload.content
    assert upload.json()["content_type"] == "image/jpeg"
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "contract.pdf"
    refused = client.post(
        f"/api/v1/legalaid/bookings/{booking_id}/attachments", {"file": fake}, **EN
    )
    assert refused.status_code == 422 and refused.json()["code"] == "attachment_type"
    url = upload.json()["url"]
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"
    client.logout()
    login(client, la.rider2)
    assert client.get(url).status_code == 404
    client.logout()
    login(client, la.v1.user)
    assert client.get(url).status_code == 200


def test_stations_with_map_links(client, la):
    rows = client.get("/api/v1/legalaid/stations").json()
    station = next(r for r in rows if r["id"] == la.station.pk)
    assert station["map_links"]["geo"].startswith("geo:31.230416,121.473701")
    assert "uri.amap.com" in station["map_links"]["amap"]
    assert "121.473701%2C31.230416" in station["map_links"]["amap"]
    assert station["amenities"] == ["充电", "饮水"]
    other = next(r for r in rows if r["id"] == la.other_station.pk)
    assert other["map_links"] == {}


def test_volunteers_public_profile(client, la):
    rows = client.get("/api/v1/legalaid/volunteers").json()
    v1 = next(r for r in rows if r["id"] == la.v1.pk)
    assert v1["specialities"] == ["wage_arrears"]
    assert v1["languages"] == ["普通话", "上海话"]
    assert "user" not in v1 and "phone" not in json.dumps(v1).lower().replace("does_phone", "")


def test_feedback_endpoint(client, la):
    login(client, la.rider1)
    booking_id = book_via_api(client, future_slot(la.v1)).json()["id"]
    early = post(client, f"/api/v1/legalaid/bookings/{booking_id}/feedback", {"rating": 5})
    assert early.status_code == 422 and early.json()["code"] == "consultation_not_held"
