"""Turn an agreed agenda item into a readable contract article.

Pure: the templates come in as plain ``Wording`` values (from the staff-edited
``WordingTemplate`` rows, or the built-in defaults below when staff have none), the item as
an ``AgreedItem``. The same defaults seed the database on migrate.

A template is a sentence with placeholders: ``{title}``, ``{value}``, ``{unit}``, ``{note}``,
``{employer}``, ``{union}``. Unknown placeholders stay as written; a template that does not
format at all falls back to the built-in default, so a typo in the admin never breaks a
contract.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bargaining.contracts.docx_builder import EN, ZH, clean_text

# Where the items of each bargaining topic go when no template says otherwise.
TOPIC_CHAPTERS = {
    "pay": "pay",
    "hours": "hours",
    # "Labour protection" in the bargaining topics covers hours, rest and leave.
    "protection": "rest",
    "rest": "rest",
    "safety": "safety",
    "insurance_welfare": "insurance_welfare",
    "women_minors": "women_minors",
    "training": "training",
    "contract_management": "contract_management",
    "rewards_penalties": "rewards_penalties",
    "layoffs": "layoffs",
    "term": "term",
    "amendment": "amendment",
    "disputes": "disputes",
    "breach": "liability",
    "other": "other",
}
FALLBACK_CHAPTER = "other"
NON_NUMERIC_KINDS = {"text", "boolean"}
NUMERIC_KINDS = {"money", "minutes", "hours", "percent", "quantity"}


@dataclass(frozen=True)
class Wording:
    language: str
    text: str
    topic: str = ""
    value_kind: str = ""
    chapter: str = ""


@dataclass
class AgreedItem:
    topic: str
    title: str
    value: object
    unit: str = ""
    value_kind: str = ""
    note: str = ""


# The built-in default set (seeded into WordingTemplate on migrate; staff may edit them).
# Party A is the employer side, Party B the union, as on the title page.
DEFAULT_WORDINGS: tuple[Wording, ...] = (
    # Catch-all per language.
    Wording(ZH, "双方约定，{title}为{value}{unit}。"),
    Wording(EN, "The parties agree that {title} shall be {value} {unit}."),
    # By kind of value.
    Wording(ZH, "双方约定，{title}：{value}。", value_kind="text"),
    Wording(EN, "The parties agree on {title}: {value}.", value_kind="text"),
    Wording(ZH, "甲方承诺{title}：{value}。", value_kind="boolean"),
    Wording(EN, "Party A undertakes {title}: {value}.", value_kind="boolean"),
    # By topic.
    Wording(ZH, "甲方保证劳动者{title}不低于{value}{unit}。", topic="pay", chapter="pay"),
    Wording(
        EN,
        "Party A guarantees that the workers' {title} shall be no less than {value} {unit}.",
        topic="pay",
        chapter="pay",
    ),
    Wording(
        ZH,
        "甲方按{value}{unit}的标准执行{title}。",
        topic="pay",
        value_kind="percent",
        chapter="pay",
    ),
    Wording(
        EN,
        "Party A shall apply {title} at {value}{unit}.",
        topic="pay",
        value_kind="percent",
        chapter="pay",
    ),
    Wording(ZH, "为保障劳动者权益，{title}为{value}{unit}。", topic="protection", chapter="rest"),
    Wording(
        EN,
        "To protect the workers, {title} shall be {value} {unit}.",
        topic="protection",
        chapter="rest",
    ),
    Wording(
        ZH,
        "甲方应当落实安全保障措施，{title}为{value}{unit}。",
        topic="safety",
        chapter="safety",
    ),
    Wording(
        EN,
        "Party A shall put safety measures in place: {title} shall be {value} {unit}.",
        topic="safety",
        chapter="safety",
    ),
    # City plan §2: platforms reasonably control online working time (the "hours" chapter).
    Wording(
        ZH,
        "甲方应当合理管控劳动者在线工作时长，{title}为{value}{unit}。",
        topic="hours",
        chapter="hours",
    ),
    Wording(
        EN,
        "Party A shall reasonably limit the workers' online working time: {title} shall be "
        "{value} {unit}.",
        topic="hours",
        chapter="hours",
    ),
    Wording(
        ZH,
        "甲方制定或修改奖惩规则应当与乙方协商，{title}为{value}{unit}。",
        topic="rewards_penalties",
        chapter="rewards_penalties",
    ),
    Wording(
        EN,
        "Party A shall consult Party B on its rules of rewards and penalties; {title} shall be "
        "{value} {unit}.",
        topic="rewards_penalties",
        chapter="rewards_penalties",
    ),
)

# The unit printed when an item has none of its own.
DEFAULT_UNITS = {
    ZH: {"money": "元", "minutes": "分钟", "hours": "小时", "percent": "%"},
    EN: {"money": "yuan", "minutes": "minutes", "hours": "hours", "percent": "%"},
}
NOTE_CLAUSE = {ZH: "（说明：{note}）", EN: " (Note: {note})"}
BOOL_WORDS = {ZH: ("是", "否"), EN: ("yes", "no")}


class _Keep(dict):
    """format_map mapping that leaves unknown placeholders as written."""

    def __missing__(self, key):
        return "{" + key + "}"


def _valid(template: str) -> bool:
    try:
        list(string.Formatter().parse(template))
    except ValueError:
        return False
    return True


def format_value(value: object, value_kind: str, language: str) -> str:
    """A value as the contract prints it: money with two decimals, no float noise."""
    if isinstance(value, str) and value_kind in NUMERIC_KINDS:
        # The bargaining app stores numbers as decimal strings ("4.50").
        with contextlib.suppress(InvalidOperation):
            value = Decimal(value.strip())
    if isinstance(value, str) and value_kind == "boolean" and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    if isinstance(value, bool):
        yes, no = BOOL_WORDS.get(language, BOOL_WORDS[ZH])
        return yes if value else no
    if isinstance(value, dt.date):
        return (
            f"{value.year}年{value.month}月{value.day}日" if language == ZH else value.isoformat()
        )
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
            if not number.is_finite() or abs(number) >= Decimal("1e15"):
                return clean_text(str(value), limit=200)
            if value_kind == "money":
                money = number.quantize(Decimal("0.01"))
                return f"{money:,}" if language == EN else f"{money}"
            if number == number.to_integral_value():
                return str(number.to_integral_value())
            return format(number.normalize(), "f")
        except (InvalidOperation, ValueError):
            return clean_text(str(value), limit=200)
    return clean_text(value, limit=2000)


def choose(wordings: Iterable[Wording], *, language: str, topic: str, value_kind: str) -> Wording:
    """The most specific template: topic and kind, then topic, then kind, then catch-all
    (kind before topic for text and yes/no values).
    Staff rows come first in ``wordings``; the built-in defaults are the last resort."""
    candidates = [w for w in wordings if w.language == language and _valid(w.text)]
    candidates += [w for w in DEFAULT_WORDINGS if w.language == language]
    order = [(topic, value_kind), (topic, ""), ("", value_kind), ("", "")]
    if value_kind in NON_NUMERIC_KINDS:
        # A topic's wording usually reads as a figure ("no less than ..."): for text and
        # yes/no values the kind's own wording fits better.
        order[1], order[2] = order[2], order[1]
    for want_topic, want_kind in order:
        for wording in candidates:
            if wording.topic == want_topic and wording.value_kind == want_kind:
                return wording
    return Wording(language, "{title}: {value} {unit}")


def chapter_for(wording: Wording, topic: str) -> str:
    return wording.chapter or TOPIC_CHAPTERS.get(topic, FALLBACK_CHAPTER)


def render_item(
    item: AgreedItem,
    wordings: Iterable[Wording] = (),
    *,
    language: str = ZH,
    employer: str = "",
    union: str = "",
) -> tuple[str, str]:
    """(chapter key, sentence) for one agreed item."""
    language = language if language in (ZH, EN) else ZH
    wording = choose(
        wordings, language=language, topic=item.topic or "", value_kind=item.value_kind or ""
    )
    note = clean_text(item.note).strip()
    values = _Keep(
        title=clean_text(item.title, limit=300).strip(),
        value=format_value(item.value, item.value_kind, language),
        unit=clean_text(item.unit, limit=50).strip()
        or DEFAULT_UNITS[language].get(item.value_kind or "", ""),
        note=note,
        employer=clean_text(employer, limit=300),
        union=clean_text(union, limit=300),
    )
    sentence = wording.text.format_map(values)
    # English templates put a space before the unit; drop it when there is no unit.
    sentence = re.sub(r" {2,}", " ", sentence).replace(" .", ".").replace(" )", ")").strip()
    if note and "{note}" not in wording.text:
        sentence += NOTE_CLAUSE[language].format(note=note)
    return chapter_for(wording, item.topic or ""), sentence


def render_clause(text: str, **values: object) -> str:
    """A standing clause (general provisions, term, ...) with its placeholders filled."""
    if not _valid(text):
        return clean_text(text)
    return clean_text(text.format_map(_Keep({k: clean_text(v) for k, v in values.items()})))


# The filing clause before and after the correction (for the data migration that fixes the
# seeded rows staff have not edited).
OLD_FILING_CLAUSE = {
    ZH: "本合同一式三份，甲乙双方各执一份，报劳动保障行政部门备案一份。",
    EN: "This contract is made in three copies: one for each party and one for filing "
    "with the labour administration.",
}
FILING_CLAUSE = {
    ZH: "本合同自双方首席代表签字之日起10日内，由甲方将文本一式三份报送劳动保障行政部门"
    "审查；甲乙双方另各执一份。",
    EN: "Within 10 days of the chief representatives' signatures, Party A submits the text "
    "of this contract in three copies to the labour administration for review; each party "
    "keeps one further copy.",
}

# Standing clauses every contract carries, per chapter, in order. Placeholders:
# {employer}, {union}, {start}, {end}, {years}.
DEFAULT_CLAUSES: dict[str, dict[str, tuple[str, ...]]] = {
    ZH: {
        "general": (
            "为维护劳动者和用工方的合法权益，构建和谐劳动关系，根据《中华人民共和国劳动法》"
            "《中华人民共和国工会法》和《集体合同规定》等法律法规，经{employer}（甲方）与"
            "{union}（乙方）平等协商，订立本合同。",
            "本合同对甲方和甲方平台上提供劳动的全体劳动者具有约束力。劳动者个人与甲方订立的"
            "劳动合同或协议中的劳动条件和劳动报酬等标准不得低于本合同的规定。",
        ),
        "term": ("本合同期限为{years}年，自{start}起至{end}止。",),
        "amendment": (
            "本合同期满前三个月内，任何一方均可向对方提出重新签订或续订的要求。",
            "因订立本合同所依据的法律法规发生变化或者因不可抗力等原因致使本合同无法履行的，"
            "经双方协商一致，可以变更或解除本合同。",
        ),
        "disputes": (
            "因履行本合同发生争议，双方应当协商解决；协商不成的，可以依法申请劳动争议仲裁、"
            "提起诉讼。",
        ),
        "liability": (
            "任何一方违反本合同约定的，应当依法承担相应责任；给对方或劳动者造成损失的，应当"
            "依法予以赔偿。",
        ),
        "supplementary": (
            "本合同经职工代表大会或者全体职工讨论通过，由双方首席代表签字，并报送劳动保障"
            "行政部门审查；劳动保障行政部门自收到文本之日起十五日内未提出异议的，本合同即行"
            "生效。",
            # Collective Contract Provisions art. 42: "由用人单位一方将文本一式三份报送劳动
            # 保障行政部门审查" (three copies go to the labour administration).
            FILING_CLAUSE[ZH],
        ),
    },
    EN: {
        "general": (
            "To protect the lawful rights and interests of the workers and of the employer and "
            "to build harmonious labour relations, {employer} (Party A) and {union} (Party B) "
            "conclude this contract after collective bargaining on an equal footing, under the "
            "Labour Law, the Trade Union Law and the Collective Contract Provisions.",
            "This contract binds Party A and all workers who work through Party A's platform. "
            "No individual labour contract or agreement may set working conditions or pay "
            "below the standards of this contract.",
        ),
        "term": ("This contract runs for {years} year(s), from {start} to {end}.",),
        "amendment": (
            "In the last three months before this contract expires, either party may request "
            "its renewal or a new contract.",
            "Where the laws this contract rests on change, or force majeure prevents its "
            "performance, the parties may amend or terminate it by agreement.",
        ),
        "disputes": (
            "Disputes over the performance of this contract shall be settled by consultation; "
            "failing that, either party may apply for labour arbitration or sue as the law "
            "provides.",
        ),
        "liability": (
            "A party that breaches this contract bears liability as the law provides and "
            "compensates the losses caused to the other party or to the workers.",
        ),
        "supplementary": (
            "This contract, once approved by the workers' congress or all workers, is signed "
            "by both chief representatives and submitted to the labour administration; it "
            "takes effect if the administration raises no objection within 15 days of "
            "receiving it.",
            FILING_CLAUSE[EN],
        ),
    },
}


def seed_default_wording(wording_model, clause_model) -> int:
    """Store the built-in templates and clauses where staff have none (idempotent).
    Takes the model classes so the data migration can pass its historical models."""
    created = 0
    for wording in DEFAULT_WORDINGS:
        _row, new = wording_model.objects.get_or_create(
            language=wording.language,
            topic=wording.topic,
            value_kind=wording.value_kind,
            defaults={"text": wording.text, "chapter": wording.chapter},
        )
        created += new
    for language, chapters in DEFAULT_CLAUSES.items():
        if clause_model.objects.filter(language=language).exists():
            continue
        for chapter, texts in chapters.items():
            for position, text in enumerate(texts, start=1):
                clause_model.objects.create(
                    language=language, chapter=chapter, position=position, text=text
                )
                created += 1
    return created
