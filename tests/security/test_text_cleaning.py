"""Finding 9: control characters and bidi overrides are removed from chat, notes and
descriptions on the way in."""

import pytest

from bargaining import services as bargaining_services
from bargaining.models import Event
from legalaid import services as legalaid_services
from tests.legalaid.conftest import future_slot, la  # noqa: F401 - fixture
from unionhome.core.text import clean_text

pytestmark = pytest.mark.django_db

TRICKY = "付款 \u202e0001\u202c 元\u2066x\u2069\x00\x07\x1b[31m\x85ok\r\nnext"


def test_clean_text_drops_controls_and_bidi_but_keeps_lines_and_tabs():
    assert clean_text(TRICKY) == "付款 0001 元x[31mok\nnext"
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_text(None) == ""


def test_chat_lines_are_stored_without_bidi_overrides(demo):
    case = demo["case"]
    chief = demo["union_side"][0]
    bargaining_services.chat_send(case=case, by=chief, room="table", text=TRICKY)
    event = Event.objects.filter(case=case, kind="chat").latest("seq")
    text = str(event.payload)
    assert "\u202e" not in text and "\u2066" not in text and "\x1b" not in text
    assert "0001" in text


def test_legal_aid_descriptions_are_stored_without_bidi_overrides(la):  # noqa: F811
    slot = future_slot(la.v1)
    booking = legalaid_services.booking_create(
        actor=la.rider1,
        member=la.rider1,
        slot=slot,
        topic="wage_arrears",
        description=TRICKY,
        channel=slot.channel,
    )
    assert "\u202e" not in booking.description and "\x85" not in booking.description
