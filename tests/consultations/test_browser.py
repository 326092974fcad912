"""In a real browser at 390x844: a member reads a draft rule, comments and gives an opinion;
after the close the union's staff compile the written opinion and download it."""

import datetime as dt
import io
import os

import pytest
from django.utils import timezone
from docx import Document

from bargaining.consultations.models import Consultation, Opinion
from tests.browser import PHONE_VIEWPORT
from tests.consultations.conftest import publish
from tests.legalaid.test_browser import sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]


def test_member_takes_part_and_staff_compile_the_opinion(live_server_url, page, chromium, ctx):
    base = live_server_url
    now = timezone.now()
    c = publish(ctx, now=now, planned_effective_on=now.date() + dt.timedelta(days=30))
    Consultation.objects.filter(pk=c.pk).update(
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7)
    )
    sign_in(page.context, base, ctx["riders"][0])
    page.goto(f"{base}/rights/consultations/")
    page.click(f"text={c.title}")
    main = page.locator("main").inner_text()
    assert c.summary in main and "劳动合同法" in main
    fits(page)
    page.check("input[name=position][value=oppose]")
    page.click("button:has-text('提交我的意见')")
    page.fill("#id_text", "<b>降价</b>后收入不够")
    page.click("button:has-text('发表评论')")
    assert "您的意见" in page.locator("#take-part").inner_text()
    shot(page, "consultation-member")
    assert Opinion.objects.get(member=ctx["riders"][0]).position == "oppose"

    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    staff = chromium.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN", accept_downloads=True)
    try:
        sign_in(staff, base, ctx["union_admin"])
        desk = staff.new_page()
        desk.goto(f"{base}/rights/consultations/{c.pk}/")
        # The comment is shown as text for moderation, then published.
        assert "<b>降价</b>后收入不够" in desk.locator("#staff-actions").inner_text()
        desk.click("#staff-actions button:has-text('发布')")
        assert "反对" in desk.locator("#results").inner_text()
        desk.fill("#main-points", "会员认为降价后收入不够")
        desk.fill("#position", "本会不同意降低基础配送费")
        desk.fill("#requests-text", "维持 4.5 元基础费\n恶劣天气补贴提高到 2 元")
        desk.click("button:has-text('保存书面意见')")
        with desk.expect_download() as info:
            desk.click("a:has-text('下载书面意见')")
        text = "\n".join(
            p.text for p in Document(io.BytesIO(info.value.path().read_bytes())).paragraphs
        )
        assert "本会不同意降低基础配送费" in text and "反对1人" in text
        desk.click("button:has-text('发送给企业')")
        fits(desk)
        shot(desk, "consultation-staff")
    finally:
        staff.close()
    c.refresh_from_db()
    assert c.opinion_sent_at is not None
