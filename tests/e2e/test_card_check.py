"""What staff see when they scan a member's card on a 390x844 phone, in both languages: staff
of the member's union see who it is; staff of another union see only the union and status
(least privilege, PIPL art. 6; docs/security.md)."""

from urllib.parse import urlsplit

import pytest

from tests.browser import assert_fits_and_accessible, screenshot
from tests.e2e.conftest import login
from tests.membership.helpers import staff_of

LANGS = [("", "zh"), ("/en", "en")]


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_card_check_by_staff_of_another_union_hides_the_holder(
    live_server_url, page, demo, prefix, lang
):
    from unionhome.membership import selectors
    from unionhome.membership.models import Membership

    membership = Membership.objects.get(user=demo["riders"][0])
    path = urlsplit(selectors.card_url(membership=membership, base_url="")).path
    staff_of(demo["enterprise"], username=f"enterprise_staff_{lang}")
    login(page, live_server_url, f"enterprise_staff_{lang}", password="pw-test-2026")
    page.goto(f"{live_server_url}{prefix}{path}")

    card = page.locator("main section.card")
    text = card.inner_text()
    union_name = membership.union.name if lang == "zh" else membership.union.name_en
    assert union_name in text
    assert card.locator('[data-status="active"]').is_visible()
    assert membership.full_name not in page.content()
    assert card.locator("[data-card-scope=union-only]").is_visible()
    assert ("个人信息保护法" in text) if lang == "zh" else ("PIPL art. 6" in text)
    assert_fits_and_accessible(page)
    screenshot(page, f"card-check-other-union-{lang}")


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_card_check_by_staff_of_the_members_union_shows_name_and_masked_id(
    live_server_url, page, demo, prefix, lang
):
    from unionhome.membership import selectors
    from unionhome.membership.models import Membership

    membership = Membership.objects.get(user=demo["riders"][0])
    path = urlsplit(selectors.card_url(membership=membership, base_url="")).path
    login(page, live_server_url, "union_admin")
    page.goto(f"{live_server_url}{prefix}{path}")

    text = page.locator("main section.card").inner_text()
    assert membership.full_name in text
    assert membership.id_number not in page.content()
    assert page.locator("[data-card-scope]").count() == 0
    assert_fits_and_accessible(page)
    screenshot(page, f"card-check-own-union-{lang}")
