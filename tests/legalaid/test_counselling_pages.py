"""The booking page serves counselling too (``?line=counselling``): its own topics and
counsellors' slots, booked through the same service."""

import pytest

from legalaid.models import Booking
from tests.legalaid.conftest import future_slot
from tests.legalaid.test_counselling_api import counsellors  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_counselling_booking_page(client, la, counsellors):  # noqa: F811
    client.force_login(la.rider1)
    page = client.get("/en/legal-aid/book/?line=counselling").content.decode()
    assert "Book psychological counselling" in page
    assert 'value="work_conflict"' in page and 'value="wage_arrears"' not in page
    slot = future_slot(counsellors[0])
    response = client.post(
        f"/en/legal-aid/book/?line=counselling&day={slot.start.date()}",
        {"slot": slot.pk, "topic": "sleep", "channel": "video", "description": "失眠两个月"},
    )
    assert response.status_code == 302
    booking = Booking.objects.get(member=la.rider1)
    assert (booking.service, booking.topic) == ("counselling", "sleep")
    # The legal-aid page neither lists counsellors' times nor offers counselling topics.
    legal = client.get("/en/legal-aid/book/").content.decode()
    assert 'value="work_conflict"' not in legal
    refused = client.post(
        "/en/legal-aid/book/",
        {"slot": future_slot(counsellors[1]).pk, "topic": "other", "description": "x"},
    )
    assert refused.status_code == 200 and Booking.objects.count() == 1
