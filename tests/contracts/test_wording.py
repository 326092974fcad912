"""Wording templates: choosing the most specific one and rendering a sentence."""

import datetime as dt
from decimal import Decimal

import pytest

from bargaining.contracts.wording import (
    DEFAULT_WORDINGS,
    AgreedItem,
    Wording,
    choose,
    format_value,
    render_clause,
    render_item,
)


def test_topic_template_beats_the_catch_all():
    item = AgreedItem("pay", "每单单价", "6.5", "元/单", "money")
    assert render_item(item) == ("pay", "甲方保证劳动者每单单价不低于6.50元/单。")


def test_staff_template_beats_the_default_and_sets_the_chapter():
    mine = Wording(
        "zh-hans", "{title}按{value}{unit}执行，{employer}负责落实。", "pay", "money", "other"
    )
    item = AgreedItem("pay", "单价", "6", "元", "money")
    chapter, sentence = render_item(item, [mine], employer="示范公司")
    assert chapter == "other"
    assert sentence == "单价按6.00元执行，示范公司负责落实。"


def test_kind_wins_over_topic_for_text_values():
    item = AgreedItem("safety", "恶劣天气", "暂停派单", "", "text")
    assert render_item(item)[1] == "双方约定，恶劣天气：暂停派单。"


def test_english_rendering_and_default_units():
    item = AgreedItem("protection", "break after 4 hours online", "20", "", "minutes")
    chapter, sentence = render_item(item, language="en")
    assert chapter == "rest"
    assert sentence == "To protect the workers, break after 4 hours online shall be 20 minutes."


def test_broken_staff_template_falls_back_to_default():
    broken = Wording("zh-hans", "甲方{title不低于{value", "pay")
    item = AgreedItem("pay", "单价", "6", "元", "money")
    assert render_item(item, [broken])[1] == "甲方保证劳动者单价不低于6.00元。"


def test_unknown_placeholders_stay_as_written():
    odd = Wording("zh-hans", "{title}为{value}{unit}{oops}", "pay")
    item = AgreedItem("pay", "单价", "6", "元", "money")
    assert render_item(item, [odd])[1] == "单价为6.00元{oops}"


def test_note_is_appended_once():
    item = AgreedItem("pay", "单价", "6", "元", "money", note="夜间另计")
    assert render_item(item)[1].endswith("（说明：夜间另计）")
    with_note = Wording("zh-hans", "{title}{value}{unit}，{note}", "pay")
    assert render_item(item, [with_note])[1] == "单价6.00元，夜间另计"


def test_unknown_topic_goes_to_other_matters():
    item = AgreedItem("mystery", "某事项", "3", "", "quantity")
    assert render_item(item) == ("other", "双方约定，某事项为3。")


@pytest.mark.parametrize(
    ("value", "kind", "language", "expected"),
    [
        ("4.5", "money", "zh-hans", "4.50"),
        (Decimal("1234.5"), "money", "en", "1,234.50"),
        ("20.00", "minutes", "zh-hans", "20"),
        ("1.250", "hours", "zh-hans", "1.25"),
        (True, "boolean", "zh-hans", "是"),
        (False, "boolean", "en", "no"),
        (dt.date(2026, 1, 2), "text", "zh-hans", "2026年1月2日"),
        ("文字\x00", "text", "zh-hans", "文字"),
    ],
)
def test_format_value(value, kind, language, expected):
    if isinstance(value, str) and kind != "text":
        value = Decimal(value)
    assert format_value(value, kind, language) == expected


def test_every_default_language_has_a_catch_all():
    for language in ("zh-hans", "en"):
        assert choose([], language=language, topic="x", value_kind="y").text in {
            w.text for w in DEFAULT_WORDINGS if not w.topic and not w.value_kind
        }


def test_render_clause_fills_placeholders_and_survives_typos():
    assert render_clause("期限{years}年，{start}起", years=3, start="今日") == "期限3年，今日起"
    assert render_clause("坏{模板", years=3) == "坏{模板"
