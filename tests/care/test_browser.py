"""In a real browser on a phone-sized screen (390 x 844, Chinese): rider2 applies for
hardship help, union_admin visits, registers the file and records aid, rider2 sees it; then
staff scan rider1's card at a campaign station and the second scan is refused."""

import os
import re

import pytest
from django.utils import timezone

from tests.browser import PHONE_VIEWPORT
from tests.legalaid.test_browser import sign_in
from unionhome.membership import selectors as membership_selectors

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    # Screenshots for a human look, only when asked for (CARE_SCREENSHOTS=<directory>).
    folder = os.environ.get("CARE_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]


def test_hardship_file_from_application_to_aid(live_server_url, page, chromium, care):
    sign_in(page.context, live_server_url, care.rider2)
    page.goto(f"{live_server_url}/care/hardship/")
    assert fits(page)
    page.select_option("#id_cause", "work_injury")
    page.fill("#id_household_size", "4")
    page.fill("#id_income_per_head", "950")
    page.fill("#id_description", "送餐途中摔伤，停工三个月，浏览器测试")
    shot(page, "1-apply")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-status=submitted]").count() == 1
    file_id = page.locator("[data-file]").first.get_attribute("data-file")

    staff = chromium.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    try:
        sign_in(staff, live_server_url, care.union_admin)
        desk = staff.new_page()
        desk.goto(f"{live_server_url}/care/staff/")
        desk.click(f"[data-file='{file_id}'] a")
        desk.wait_for_url(re.compile(rf"/care/staff/files/{file_id}/$"))
        assert "浏览器测试" in desk.locator("main").inner_text()
        today = timezone.localdate().isoformat()
        desk.fill("#id_visit-visited_on", today)
        desk.fill("#id_visit-notes", "入户走访：伤情属实")
        desk.click("#visit button[type=submit]")
        desk.wait_for_load_state("networkidle")
        desk.select_option("#id_decide-decision", "registered")
        desk.select_option("#id_decide-level", "hardship")
        desk.click("#decide button[type=submit]")
        desk.wait_for_load_state("networkidle")
        assert desk.locator("h1 [data-status=registered]").count() == 1
        desk.select_option("#id_aid-kind", "cash")
        desk.fill("#id_aid-amount", "1500")
        desk.fill("#id_aid-given_on", today)
        desk.fill("#id_aid-fund", "工会帮扶资金")
        desk.click("#aid button[type=submit]")
        desk.wait_for_load_state("networkidle")
        assert desk.locator("[data-aid]").count() == 1
        assert fits(desk)
        shot(desk, "2-staff-file")
    finally:
        staff.close()

    page.goto(f"{live_server_url}/care/hardship/")
    main = page.locator("main").inner_text()
    assert "已建档" in main and "困难" in main
    assert "1500" in main and "工会帮扶资金" in main
    assert fits(page)
    shot(page, "3-member-sees-aid")


def test_card_scan_at_a_station_then_second_scan_refused(live_server_url, page, care):
    care.campaign.limit_per_member = 1
    care.campaign.save()
    card = membership_selectors.card_url(membership=care.rider1.memberships.get(status="active"))
    sign_in(page.context, live_server_url, care.union_admin)
    url = f"{live_server_url}/care/staff/campaigns/{care.campaign.pk}/stations/{care.station_a.pk}/"
    page.goto(url)
    assert page.locator("#stock").inner_text() == "5"
    page.fill("#id_card", card)
    page.click("#scan-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-result=ok]").count() == 1
    assert page.locator("#stock").inner_text() == "4"
    page.fill("#id_card", card)
    page.click("#scan-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-result=refused]").count() == 1
    assert "上限" in page.locator("[data-result=refused]").inner_text()
    assert page.locator("#stock").inner_text() == "4"
    assert fits(page)
    shot(page, "4-station-desk-refused")
