"""The booking page as a member meets it: days as a strip, times as buttons, topic and
channel asked once, the channel stated before confirming, and a warning on a day that
already holds one of the member's consultations."""

import re

import pytest

from legalaid import services
from legalaid.slots import SHANGHAI
from tests.legalaid.conftest import future_slot

pytestmark = pytest.mark.django_db


def _day(slot) -> str:
    return slot.start.astimezone(SHANGHAI).date().isoformat()


def test_topic_and_channel_chosen_above_are_not_asked_again(client, la):
    client.force_login(la.rider1)
    html = client.get("/legal-aid/book/?topic=wage_arrears&channel=phone").content.decode()
    assert html.count('<select name="topic"') + html.count('<select id="f-topic"') == 1
    assert '<input type="hidden" name="topic" id="id_topic" value="wage_arrears">' in html
    assert '<input type="hidden" name="channel" id="id_channel" value="phone">' in html
    assert 'name="channel" id="id_channel"' in html and '<select name="channel"' not in html
    # The way to meet is stated in the summary right above the confirm button.
    summary = html[html.index('class="la-summary"') : html.index('class="la-confirm"')]
    assert "<strong>电话</strong>" in summary and "志愿者会在约定时间打你的手机。" in summary


def test_without_a_channel_the_form_asks_it_once(client, la):
    client.force_login(la.rider1)
    html = client.get("/legal-aid/book/?topic=wage_arrears").content.decode()
    assert html.count('<select name="channel"') == 1  # the booking form's
    assert html.count('id="f-channel"') == 1  # the filter's
    assert "以所选时间提供的方式为准" in html


def test_days_are_a_strip_and_times_are_buttons(client, la):
    client.force_login(la.rider1)
    html = client.get("/legal-aid/book/").content.decode()
    assert '<nav class="la-days"' in html and 'aria-current="date"' in html
    assert re.search(r'<span class="la-day-count">\d+ 个时段</span>', html)
    assert 'class="la-slot"><input type="radio" name="slot"' in html
    assert "la-warning" not in html and "la-day-held" not in html


def test_a_day_with_a_booking_is_marked_and_warned(client, la):
    slot = future_slot(la.v1)
    booking = services.booking_create(
        actor=la.rider1,
        member=la.rider1,
        slot=slot,
        topic="platform_rules",
        description="平台扣款",
        channel="in_person",
    )
    client.force_login(la.rider1)
    html = client.get(f"/legal-aid/book/?day={_day(slot)}").content.decode()
    assert "你在这一天已有一次咨询：" in html
    assert f'/legal-aid/bookings/{booking.pk}/"' in html
    assert slot.start.astimezone(SHANGHAI).strftime("%H:%M") in html
    assert html.count('<span class="la-day-held">') == 1
    # Another member sees no warning for that day.
    client.force_login(la.rider2)
    other = client.get(f"/legal-aid/book/?day={_day(slot)}").content.decode()
    assert "你在这一天已有一次咨询" not in other and "la-day-held" not in other


def test_a_cancelled_booking_does_not_warn(client, la):
    slot = future_slot(la.v1)
    booking = services.booking_create(
        actor=la.rider1,
        member=la.rider1,
        slot=slot,
        topic="platform_rules",
        description="平台扣款",
        channel="in_person",
    )
    services.booking_cancel(actor=la.rider1, booking=booking, reason="")
    client.force_login(la.rider1)
    html = client.get(f"/legal-aid/book/?day={_day(slot)}").content.decode()
    assert "你在这一天已有一次咨询" not in html


def test_attachment_help_follows_the_page_language(client, la):
    client.force_login(la.rider1)
    chinese = client.get("/legal-aid/book/").content.decode()
    english = client.get("/en/legal-aid/book/").content.decode()
    assert "最多 3 张照片或 PDF 文件" in chinese
    assert "Up to 3 photos or PDF files" in english and "最多 3 张" not in english
