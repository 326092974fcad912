"""Every translation catalog is complete (Chinese is the default language) and compiled."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_there_is_a_chinese_catalog_for_the_project_and_each_app():
    owners = {path.relative_to(ROOT).parts[0] for path in CATALOGS}
    assert {"locale", "bargaining", "legalaid", "cms"} <= owners
    assert ROOT / "unionhome/ballots/locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGS
    assert ROOT / "bargaining/contracts/locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_compiled(catalog):
    po = polib.pofile(str(catalog))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    mo_path = catalog.with_suffix(".mo")
    assert mo_path.exists(), "compile with compilemessages"
    compiled = {
        (f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid): entry.msgstr
        for entry in polib.mofile(str(mo_path))
    }
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled.get(key) == entry.msgstr, (
            f"{catalog.name}: .mo is stale for {entry.msgid!r}; run compilemessages"
        )


def test_pages_are_chinese_by_default_and_english_under_en(client, db):
    zh = client.get("/accounts/login/").content.decode()
    en = client.get("/en/accounts/login/").content.decode()
    assert "工会e家" in zh
    assert "Union e-Home" in en and "工会e家" not in en
