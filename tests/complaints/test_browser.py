"""In a real browser at 390x844: rider3 files a complaint with evidence, the union handles
it through mediation, and rider3 follows it to closure and rates the outcome."""

import os
import re

import pytest

from legalaid.complaints.models import Complaint
from tests.browser import PHONE_VIEWPORT
from tests.complaints.conftest import COMPANY, png_bytes
from tests.legalaid.test_browser import sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    # Screenshots for looking at the screens by hand (set SCREENSHOT_DIR).
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]


def test_rider3_files_and_follows_to_closure(live_server_url, page, chromium, ctx, tmp_path):
    base = live_server_url
    sign_in(page.context, base, ctx["rider3"])
    page.goto(f"{base}/rights/complaints/new/")
    fits(page)
    page.select_option("#id_category", "wage_arrears")
    page.fill("#id_company", COMPANY)
    page.fill("#id_happened_on", "2026-03-01")
    page.fill("#id_description", "二月配送费 820 元未结算，浏览器测试")
    page.fill("#id_wants", "补发 820 元")
    evidence = tmp_path / "工资截图.png"
    evidence.write_bytes(png_bytes())
    page.set_input_files("#id_evidence", str(evidence))
    shot(page, "complaint-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/rights/complaints/\d+/$"))
    main = page.locator("main").inner_text()
    assert "二月配送费 820 元未结算" in main and "工资截图.png" in main
    assert "不会向企业透露投诉人身份" in main
    fits(page)
    shot(page, "complaint-submitted")
    complaint = Complaint.objects.get()

    staff_context = chromium.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    try:
        sign_in(staff_context, base, ctx["union_admin"])
        desk = staff_context.new_page()
        desk.goto(f"{base}/rights/complaints/desk/")
        desk.click(f"text={complaint.reference}")
        desk.wait_for_url(f"**/rights/complaints/{complaint.pk}/")
        desk.click("form[action$='/do/assign/'] button")
        desk.select_option("#refer-to", "mediation")
        desk.click("form[action$='/do/refer/'] button")
        desk.fill("#meeting-notes", "与站点经理面谈")
        desk.click("form[action$='/do/meeting/'] button")
        desk.fill("#settlement", "七日内补发 820 元")
        desk.click("form[action$='/do/settle/'] button")
        desk.click("form[action$='/do/honoured/'] button[value=yes]")
        desk.fill("#outcome", "公司已补发 820 元")
        desk.click("form[action$='/do/resolve/'] button")
        fits(desk)
        shot(desk, "complaint-desk")
    finally:
        staff_context.close()

    page.reload()
    main = page.locator("main").inner_text()
    for text in ("与站点经理面谈", "七日内补发 820 元", "公司已补发 820 元", "已履行"):
        assert text in main
    page.check("input[name=rating][value='5']")
    page.click("form:has(input[name=rating]) button[type=submit]")
    page.wait_for_load_state("networkidle")
    # The rating is shown and the form is gone: the complaint is closed.
    assert "5/5" in page.locator("main").inner_text()
    assert page.locator("input[name=rating]").count() == 0
    shot(page, "complaint-closed")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.rating == 5
