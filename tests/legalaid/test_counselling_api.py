"""Counselling on the shared booking engine (API.md "Care"): same shapes as legal aid, its
own topics and volunteers, a counsellor sees only their own sessions, and counselling notes
are read by the counsellor alone."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from legalaid.models import Booking
from legalaid.slot_supply import slots_materialise
from legalaid.slots import SHANGHAI
from tests.legalaid.conftest import every_day, future_slot, make_volunteer

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **EN)


@pytest.fixture
def counsellors(la):
    users = [
        get_user_model().objects.create_user(f"counsellor{i}", first_name=f"心理咨询师{i}")
        for i in (1, 2)
    ]
    made = []
    for user in users:
        volunteer = make_volunteer(
            user, la.union, [la.station], specialities=[], service="counselling", does_video=True
        )
        every_day(volunteer, la.station, dt.time(18), dt.time(20))
        slots_materialise(
            volunteer=volunteer,
            first_day=la.now.astimezone(SHANGHAI).date(),
            last_day=la.now.astimezone(SHANGHAI).date() + dt.timedelta(days=14),
            now=la.now,
        )
        made.append(volunteer)
    return made


def book(client, slot, topic="stress"):
    return post(
        client,
        "/api/v1/counselling/bookings",
        {"slot_id": slot.pk, "topic": topic, "description": "最近睡不好", "channel": "video"},
    )


def test_each_line_lists_its_own_slots(client, la, counsellors):
    today = timezone.now().astimezone(SHANGHAI).date().isoformat()
    counselling = client.get("/api/v1/counselling/slots", {"from": today}).json()
    legal = client.get("/api/v1/legalaid/slots", {"from": today}).json()
    counsellor_ids = {c.pk for c in counsellors}
    assert counselling and {row["volunteer"]["id"] for row in counselling} == counsellor_ids
    assert not {row["volunteer"]["id"] for row in legal} & counsellor_ids
    assert set(counselling[0]) >= {"id", "start", "end", "volunteer", "station", "channel"}


def test_booking_topics_taken_slots_and_lines(client, la, counsellors):
    slot = future_slot(counsellors[0])
    client.force_login(la.rider1)
    assert book(client, slot, topic="wage_arrears").status_code == 422
    created = book(client, slot)
    assert created.status_code == 201
    assert Booking.objects.get(pk=created.json()["id"]).service == "counselling"
    client.force_login(la.rider2)
    taken = book(client, slot, topic="family")
    assert taken.status_code == 409
    # A legal-aid slot is not offered on the counselling line, nor the other way round.
    legal_slot = future_slot(la.v1)
    assert book(client, legal_slot, topic="other").status_code == 422
    other = future_slot(counsellors[1])
    response = post(
        client,
        "/api/v1/legalaid/bookings",
        {"slot_id": other.pk, "topic": "other", "description": "x", "channel": "video"},
    )
    assert response.status_code == 422


def test_who_sees_a_session_and_its_notes(client, la, counsellors):
    slot = future_slot(counsellors[0])
    client.force_login(la.rider1)
    booking_id = book(client, slot).json()["id"]
    url = f"/api/v1/counselling/bookings/{booking_id}"
    client.force_login(counsellors[0].user)
    assert post(client, f"{url}/notes", {"text": "焦虑，建议复诊"}).status_code == 201
    own = client.get(url, **EN).json()
    assert own["notes"][0]["text"] == "焦虑，建议复诊"
    expected = {
        la.rider1: 200,  # the member: the session, never the notes
        la.rider2: 404,  # another member
        counsellors[1].user: 404,  # another counsellor
        la.v1.user: 404,  # a legal-aid volunteer
        la.union_admin: 404,  # union staff read legal-aid notes, not counselling ones
        la.admin: 404,  # federation staff neither
    }
    for user, status in expected.items():
        client.force_login(user)
        response = client.get(url, **EN)
        assert response.status_code == status, user.username
        if status == 200:
            assert response.json().get("notes") is None
    client.force_login(la.union_admin)
    assert post(client, f"{url}/notes", {"text": "x"}).status_code == 404
    legal_list = client.get("/api/v1/legalaid/cases", {"scope": "all"}, **EN).json()
    assert booking_id not in [row["id"] for row in legal_list]


def test_ics_and_cancel_behave_as_legal_aid(client, la, counsellors):
    slot = future_slot(counsellors[0])
    client.force_login(la.rider1)
    booking_id = book(client, slot).json()["id"]
    ics = client.get(f"/api/v1/counselling/bookings/{booking_id}.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    mine = client.get("/api/v1/counselling/bookings", **EN).json()
    assert [row["id"] for row in mine] == [booking_id]
    assert booking_id not in [row["id"] for row in client.get("/api/v1/legalaid/bookings").json()]
    cancelled = post(client, f"/api/v1/counselling/bookings/{booking_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled_member"
    client.force_login(la.rider2)
    assert book(client, slot, topic="sleep").status_code == 201
