"""The item fragment the live room swaps in after each event: the same row a reload shows,
visible to exactly those who may see the room."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_fragment_is_the_rooms_row(client, demo, case):
    pay = case.items.get(topic="pay")
    client.force_login(demo["union_side"][0])
    room = client.get(reverse("bargaining:room", args=[case.pk])).content.decode()
    fragment = client.get(reverse("bargaining:item", args=[case.pk, pay.pk])).content.decode()
    start = room.index(f'<tbody class="item" id="item-{pay.pk}"')
    end = "</td></tr>\n</tbody>"
    row = room[start : room.index(end, start) + len(end)]

    # CSRF tokens are masked afresh in every response; the rest must be identical.
    def unmasked(html):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).strip()

    assert unmasked(fragment) == unmasked(row)
    # The floor a person sees while typing, in the page data: 25 yuan/hour / 3 orders.
    assert 'data-floor="8.34"' in fragment
    assert "需 ≥ 8.34 元/单 — 最低工资规定第十二条" in fragment
    # The employer's standing 8 yuan/order is the other side's move, highlighted.
    assert "pos-employer last-move their-move" in fragment


def test_fragment_per_role(client, demo, case):
    pay = case.items.get(topic="pay")
    url = reverse("bargaining:item", args=[case.pk, pay.pk])
    client.force_login(demo["platform_side"][1])
    body = client.get(url).content.decode()
    assert 'data-frame="offer.submit"' in body
    # For the platform, its own standing offer is the last move: nothing to highlight.
    assert "their-move" not in body
    # Staff of the union observe: the row, but no forms.
    client.force_login(demo["union_admin"])
    body = client.get(url).content.decode()
    assert "8 元/单" in body and 'data-frame="offer.submit"' not in body
    # A rider is not at the table: 404, as for the room.
    client.force_login(demo["riders"][0])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_fragment_of_another_cases_item_is_404(client, demo, case):
    client.force_login(demo["union_side"][0])
    url = reverse("bargaining:item", args=[case.pk, 999999])
    assert client.get(url).status_code == 404
