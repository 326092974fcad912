"""Legal-aid pages: entry, booking form, my consultations, volunteer desk, stations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legalaid import services
from legalaid.models import Booking
from legalaid.slots import SHANGHAI
from tests.legalaid.conftest import future_slot

pytestmark = pytest.mark.django_db


def _book(la, member=None, description="平台扣款不合理"):
    member = member or la.rider1
    slot = future_slot(la.v1)
    return services.booking_create(
        actor=member,
        member=member,
        slot=slot,
        topic="platform_rules",
        description=description,
        channel="in_person",
    )


def test_index_lists_topics_and_stations(client, la):
    response = client.get("/legal-aid/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("legalaid:index") == "/legal-aid/"
    assert "/legal-aid/book/?topic=wage_arrears" in html
    assert la.station.name in html and "geo:31.230416,121.473701" in html
    assert "欠薪" in html or "工资" in html  # Chinese by default


def test_english_under_en(client, la):
    html = client.get("/en/legal-aid/").content.decode()
    assert "Wage arrears" in html


def test_book_page_preselects_topic_and_lists_days(client, la):
    client.force_login(la.rider1)
    response = client.get("/legal-aid/book/?topic=wage_arrears")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="wage_arrears" selected>' in html
    # Topic filter: only volunteer1 (wage arrears) is offered.
    assert la.v1.display_name in html
    assert 'name="slot"' in html


def test_book_page_post_creates_booking(client, la):
    client.force_login(la.rider1)
    slot = future_slot(la.v1)
    day = slot.start.astimezone(SHANGHAI).date().isoformat()
    response = client.post(
        f"/legal-aid/book/?day={day}",
        {
            "slot": slot.pk,
            "topic": "wage_arrears",
            "channel": "in_person",
            "description": "<b>拖欠</b> 两个月",
        },
    )
    booking = Booking.objects.get(slot=slot)
    assert response.status_code == 302
    assert response["Location"] == f"/legal-aid/bookings/{booking.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;拖欠&lt;/b&gt;" in detail and "<b>拖欠</b>" not in detail
    assert f"/legal-aid/bookings/{booking.pk}/consultation.ics" in detail


def test_book_page_shows_domain_errors(client, la):
    client.force_login(la.rider2)
    slot = future_slot(la.v1)
    _book(la)  # rider1 takes the first free slot
    response = client.post(
        "/en/legal-aid/book/",
        {"slot": slot.pk, "topic": "wage_arrears", "channel": "in_person", "description": "x"},
    )
    assert response.status_code == 200
    assert "just been taken" in response.content.decode()


def test_staff_books_on_behalf_by_phone(client, la):
    client.force_login(la.union_admin)
    slot = future_slot(la.v1)
    response = client.post(
        "/legal-aid/book/",
        {
            "slot": slot.pk,
            "topic": "other",
            "channel": "phone",
            "description": "电话代约",
            "member": "13800138002",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get(slot=slot)
    assert booking.member == la.rider2 and booking.booked_by == la.union_admin


def test_my_consultations_and_wechat_hint(client, la):
    booking = _book(la)
    client.force_login(la.rider1)
    html = client.get("/legal-aid/mine/").content.decode()
    assert f"/legal-aid/bookings/{booking.pk}/" in html
    plain = client.get(f"/legal-aid/bookings/{booking.pk}/").content.decode()
    assert "wechat-hint" not in plain
    wechat = client.get(
        f"/legal-aid/bookings/{booking.pk}/",
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone) MicroMessenger/8.0.50",
    ).content.decode()
    assert "wechat-hint" in wechat
    ics = client.get(f"/legal-aid/bookings/{booking.pk}/consultation.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VCALENDAR" in ics.content


def test_member_does_not_see_case_notes(client, la):
    booking = _book(la)
    services.case_add_note(actor=la.v1.user, booking=booking, text="内部备注：需调取流水")
    client.force_login(la.rider1)
    assert "内部备注" not in client.get(f"/legal-aid/bookings/{booking.pk}/").content.decode()
    client.force_login(la.v1.user)
    assert "内部备注" in client.get(f"/legal-aid/bookings/{booking.pk}/").content.decode()


def test_others_get_404(client, la):
    booking = _book(la)
    for user in (la.rider2, la.v2.user, la.outsider):
        client.force_login(user)
        assert client.get(f"/legal-aid/bookings/{booking.pk}/").status_code == 404
        assert client.get(f"/legal-aid/bookings/{booking.pk}/consultation.ics").status_code == 404
        response = client.post(f"/legal-aid/bookings/{booking.pk}/cancel/", {"reason": "x"})
        assert response.status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "booked"


def test_volunteer_dashboard(client, la):
    booking = _book(la, description="账号被封 申诉无门")
    client.force_login(la.v1.user)
    html = client.get("/legal-aid/volunteer/").content.decode()
    assert "账号被封 申诉无门" in html and f"/legal-aid/bookings/{booking.pk}/" in html
    client.force_login(la.v2.user)
    assert "账号被封" not in client.get("/legal-aid/volunteer/").content.decode()
    client.force_login(la.rider1)
    assert client.get("/legal-aid/volunteer/").status_code == 404
    client.force_login(la.union_admin)
    assert "账号被封" in client.get("/legal-aid/volunteer/").content.decode()


def test_volunteer_notes_outcome_from_page(client, la):
    booking = _book(la)
    client.force_login(la.v1.user)
    response = client.post(
        f"/legal-aid/bookings/{booking.pk}/note/", {"text": "建议先协商", "outcome": ""}
    )
    assert response.status_code == 302
    assert booking.notes.get().text == "建议先协商"


def test_member_cancel_and_reschedule_from_page(client, la):
    booking = _book(la)
    client.force_login(la.rider1)
    page = client.get(f"/legal-aid/bookings/{booking.pk}/reschedule/")
    assert page.status_code == 200
    later = timezone.now() + dt.timedelta(days=2)
    new_slot = next(s for s in page.context["slots"] if s.start > later)
    client.post(f"/legal-aid/bookings/{booking.pk}/reschedule/", {"slot": new_slot.pk})
    booking.refresh_from_db()
    assert booking.slot == new_slot
    client.post(f"/legal-aid/bookings/{booking.pk}/cancel/", {"reason": ""})
    booking.refresh_from_db()
    assert booking.status == "cancelled_member"


def test_feedback_from_page_after_consultation(client, la):
    booking = _book(la)
    # Move the consultation into the past (as if it took place).
    past_start = timezone.now() - dt.timedelta(hours=2)
    slot = booking.slot
    slot.start, slot.end = past_start, past_start + dt.timedelta(minutes=30)
    slot.save()
    client.force_login(la.rider1)
    assert 'name="rating"' in client.get(f"/legal-aid/bookings/{booking.pk}/").content.decode()
    client.post(f"/legal-aid/bookings/{booking.pk}/feedback/", {"rating": "5", "comment": "好"})
    assert booking.feedback.rating == 5


def test_stations_page_by_district(client, la):
    html = client.get("/legal-aid/stations/").content.decode()
    assert html.index("新城区") >= 0 and html.index("浦江区") >= 0
    assert "uri.amap.com" in html


def test_only_legal_aid_stations_offer_booking_there(client, la):
    from legalaid.models import Station

    rest = Station.objects.create(
        union=la.station.union,
        name="休息驿站",
        kind="rest_station",
        district="浦江区",
        address="路",
    )
    html = client.get("/legal-aid/stations/").content.decode()
    assert f"?station={la.station.pk}&amp;channel=in_person" in html
    assert f"?station={rest.pk}&amp;channel=in_person" not in html


def test_volunteer_books_a_follow_up_from_the_case(client, la):
    booking = _book(la)
    client.force_login(la.v1.user)
    detail = client.get(f"/legal-aid/bookings/{booking.pk}/").content.decode()
    assert f"/legal-aid/book/?follow_up={booking.pk}" in detail
    page = client.get(f"/legal-aid/book/?follow_up={booking.pk}")
    assert page.context["form"].initial["member"] == "rider1"
    # Only the same volunteer's slots are offered.
    assert {s.volunteer_id for s in page.context["day_slots"]} == {la.v1.pk}
    slot = page.context["day_slots"][-1]
    response = client.post(
        f"/legal-aid/book/?follow_up={booking.pk}",
        {
            "slot": slot.pk,
            "topic": "platform_rules",
            "channel": "phone",
            "description": "复诊：带齐工资流水",
            "member": "rider1",
        },
    )
    assert response.status_code == 302
    follow = booking.follow_ups.get()
    assert follow.member == la.rider1 and follow.booked_by == la.v1.user
    # Another volunteer cannot use someone else's case as a follow-up.
    client.force_login(la.v2.user)
    assert client.get(f"/legal-aid/book/?follow_up={booking.pk}").context["follow_up"] is None


def test_book_page_without_channel_uses_the_slot_channel(client, la):
    client.force_login(la.rider2)
    slot = future_slot(la.v2)
    response = client.post(
        "/legal-aid/book/",
        {"slot": slot.pk, "topic": "work_injury", "channel": "", "description": "摔伤"},
    )
    assert response.status_code == 302
    assert Booking.objects.get(slot=slot).channel == "phone"
