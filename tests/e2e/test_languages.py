"""Both languages, everywhere, in a real browser.

English pages (/en/) may not show Chinese that has an English form: the Chinese value of a
field whose English counterpart (``<field>_en``) was entered, or a Chinese string of the
project's own catalogs. The Chinese admin (1280 x 800) may not show the project's own
English: a msgid that has a Chinese translation, or a field name nobody translated.
Screenshots go to var/screenshots/.
"""

import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from tests.browser import DESKTOP_VIEWPORT, PHONE_VIEWPORT, login, screenshot

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("bargaining", "unionhome", "legalaid", "cms")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
# The visible text of <main>, leaving out what is marked as Chinese on purpose (a name
# shown "(in Chinese)" because nobody entered an English one).
MAIN_TEXT_JS = """() => {
  const main = (document.querySelector('main') || document.body).cloneNode(true);
  main.querySelectorAll('[lang^="zh"]').forEach((el) => el.remove());
  return main.innerText;
}"""
SEGMENTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, [hidden]')) continue;
    const text = node.textContent.trim();
    if (text && el.getClientRects().length) out.push(text);
  }
  return out;
}"""


def catalogs() -> list[polib.POFile]:
    paths = [
        p for p in ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
    ]
    return [polib.pofile(str(p)) for p in paths]


def chinese_with_english_form() -> set[str]:
    """Chinese values of every stored field whose English field is filled."""
    found = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        names = {f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField)}
        for name in names:
            if f"{name}_en" not in names:
                continue
            rows = model.objects.exclude(**{f"{name}_en": ""}).values_list(name, flat=True)
            found |= {value for value in rows if value and CJK_RUN.search(value)}
    return found


def project_chinese_strings() -> set[str]:
    """Translations of the project's own catalogs long enough not to be a common word."""
    strings = set()
    for po in catalogs():
        for entry in po.translated_entries():
            text = entry.msgstr.strip()
            if (
                "%" not in text
                and "{" not in text
                and len(CJK_RUN.findall(text))
                and len(text) >= 6
            ):
                strings.add(text)
    return strings


CJK = "\u3400-\u4dbf\u4e00-\u9fff"


def chinese_leftovers(text: str, forbidden: set[str]) -> list[str]:
    """Forbidden values standing on their own: "外卖配送" (an industry with an English form)
    inside a longer Chinese title is part of that title, not the industry."""
    return sorted(
        value
        for value in forbidden
        if re.search(f"(?<![{CJK}]){re.escape(value)}(?![{CJK}])", text)
    )


def project_english() -> set[str]:
    """English a Chinese admin page must not show: msgids with a different translation, and
    the names Django makes up for fields without a verbose name."""
    english = set()
    for po in catalogs():
        english |= {
            e.msgid
            for e in po.translated_entries()
            if e.msgstr != e.msgid and re.search("[a-z]", e.msgid)
        }
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if field.editable and not isinstance(field.verbose_name, Promise):
                english.add(str(field.verbose_name).capitalize())
    return english


def english_leftovers(segments: list[str], english: set[str]) -> list[str]:
    return sorted({s for s in segments if s in english or s.rstrip(":*：") in english})


def test_the_checks_find_what_they_look_for():
    assert chinese_leftovers(
        "Union: 示范市快递外卖行业工会联合会 · x", {"示范市快递外卖行业工会联合会"}
    ) == ["示范市快递外卖行业工会联合会"]
    assert chinese_leftovers("Demo City Delivery Workers' Industry Union", {"示范市"}) == []
    assert chinese_leftovers("2026年度外卖配送员集体合同", {"外卖配送"}) == []
    assert english_leftovers(["状态", "Closed", "Case:"], {"Closed", "Case"}) == ["Case:", "Closed"]


@pytest.fixture
def english_page(chromium):
    context = chromium.new_context(viewport=PHONE_VIEWPORT, locale="en-GB")
    context.set_default_timeout(20000)
    page = context.new_page()
    yield page
    context.close()


def _visit(page, url: str, name: str) -> str:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, name)
    return page.evaluate(MAIN_TEXT_JS)


def test_english_pages_show_no_chinese_that_has_an_english_form(
    live_server_url, english_page, demo
):
    union = demo["union"]
    forbidden = chinese_with_english_form() | project_chinese_strings()
    assert union.name in forbidden  # the demo union has an English name
    anonymous = ["/en/", "/en/unions/", f"/en/unions/{union.pk}/"]
    member = ["/en/", "/en/membership/", "/en/contracts/", "/en/ballots/"]
    found = {}
    for path in anonymous:
        text = _visit(english_page, live_server_url + path, "en-anon" + path.replace("/", "-"))
        found[path] = chinese_leftovers(text, forbidden)
    login(english_page, live_server_url, demo["riders"][0].username)
    for path in member:
        text = _visit(english_page, live_server_url + path, "en-member" + path.replace("/", "-"))
        found["member " + path] = chinese_leftovers(text, forbidden)
    assert {page: left for page, left in found.items() if left} == {}
    # The English names are there (a blank page cannot pass).
    english_page.goto(f"{live_server_url}/en/unions/{union.pk}/")
    assert union.name_en in english_page.inner_text("main")
    english_page.goto(f"{live_server_url}/en/contracts/")
    assert "Party A: Demo Jisong Technology Co., Ltd." in english_page.inner_text("main")


def test_a_union_without_english_name_is_marked_in_chinese(live_server_url, english_page, demo):
    union = demo["union"]
    type(union).objects.filter(pk=union.pk).update(name_en="", address_en="")
    english_page.goto(f"{live_server_url}/en/unions/{union.pk}/")
    marked = english_page.locator("main h1 [lang=zh-Hans]")
    assert marked.inner_text() == union.name
    assert "(in Chinese)" in english_page.inner_text("main h1")


ADMIN_SCREENS = [
    "/admin/",
    "/admin/unions/",
    "/admin/unions/edit/{union}/",
    "/admin/union-staff/",
    "/admin/members/",
    "/admin/snippets/bargaining/case/",
    "/admin/snippets/bargaining/case/edit/{case}/",
    "/admin/snippets/bargaining/agendaitem/",
    "/admin/snippets/bargaining/agendaitem/add/",
    "/admin/contracts/",
    "/admin/snippets/contracts/wordingtemplate/",
    "/admin/snippets/ballots/voterroster/",
    "/admin/care_supplies/",
]


@pytest.mark.parametrize("username", ["admin", "union_admin"])
def test_chinese_admin_shows_no_english_of_the_project(live_server_url, chromium, demo, username):
    context = chromium.new_context(viewport=DESKTOP_VIEWPORT, locale="zh-CN")
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(f"{live_server_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    english = project_english()
    assert "Bargaining cases" in english and "Closed" in english
    found = {}
    values = {"union": demo["union"].pk, "case": demo["case"].pk}
    for screen in ADMIN_SCREENS:
        url = screen.format(**values)
        response = page.goto(live_server_url + url)
        assert response is not None and response.status in (200, 403), url
        if response.status == 403:
            continue
        assert page.locator("html").get_attribute("lang").lower().startswith("zh")
        screenshot(page, f"admin-zh-{username}" + url.replace("/", "-"))
        left = english_leftovers(page.evaluate(SEGMENTS_JS), english)
        if left:
            found[url] = left
    context.close()
    assert found == {}
