"""Chinese and English forms of stored names, units and places.

Models keep the Chinese form in ``field`` and the English one in ``field_en``. English pages
show the English form and fall back to the Chinese one only where none was entered; the
fallback says so ("(in Chinese)") so a reader knows it is not a translation gap of the site.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language

ENGLISH = "en"

# Units as the bargaining agenda writes them ("元/单"), word by word. A unit not made only of
# these words stays as entered (staff then give its English form on the item).
UNIT_WORDS = {
    "元": "yuan",
    "单": "order",
    "件": "piece",
    "小时": "hour",
    "时": "hour",
    "分钟": "minute",
    "分": "minute",
    "天": "day",
    "日": "day",
    "周": "week",
    "月": "month",
    "年": "year",
    "人": "person",
    "次": "time",
    "公里": "km",
    "千米": "km",
    "米": "m",
    "%": "%",
}
# A unit standing alone counts several of a thing ("30 minutes"); after "/" it is one.
PLURALS = {
    "order": "orders",
    "piece": "pieces",
    "hour": "hours",
    "minute": "minutes",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "person": "persons",
    "time": "times",
}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def is_english(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith(ENGLISH)


def english_unit(unit: str) -> str:
    """ "元/单" -> "yuan/order", "分钟" -> "minutes"; "" when a part is not a known word."""
    unit = (unit or "").strip()
    if not unit or not has_cjk(unit):
        return unit
    parts = [part.strip() for part in unit.replace("／", "/").split("/")]
    words = [UNIT_WORDS.get(part) for part in parts]
    if not all(words):
        return ""
    if len(words) == 1:
        return PLURALS.get(words[0], words[0])
    return "/".join(words)


def unit_for(unit: str, unit_en: str = "", language: str | None = None) -> str:
    if not is_english(language):
        return unit
    return (unit_en or "").strip() or english_unit(unit) or unit


class Localized(str):
    """A stored text in the page's language; ``in_chinese`` when English fell back."""

    in_chinese: bool = False


def pick(chinese: str, english: str, language: str | None = None) -> Localized:
    if not is_english(language):
        return Localized(chinese or "")
    if (english or "").strip():
        return Localized(english.strip())
    text = Localized(chinese or "")
    text.in_chinese = bool(text)
    return text


def localized(obj, field: str, language: str | None = None) -> Localized:
    """``obj.field`` in the page's language, from ``obj.field_en`` on English pages."""
    return pick(getattr(obj, field, "") or "", getattr(obj, f"{field}_en", "") or "", language)
