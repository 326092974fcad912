"""The English contract is English: item names, units and wording in English, and Chinese
only where nobody entered an English form (people's names)."""

import io
import re

from docx import Document

from bargaining.contracts import demo, documents
from bargaining.contracts.models import Contract
from bargaining.models import Case
from unionhome.core.bilingual import english_unit, pick, unit_for

CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def people(case: Case) -> list[str]:
    """People's names have no English form; they may stay as written."""
    names = [documents._name(r.user) for r in case.representatives.select_related("user")]
    names.append(documents._name(case.recorder))
    return sorted({n for n in names if n}, key=len, reverse=True)


def cjk_runs(text: str, case: Case) -> list[str]:
    for name in people(case):
        text = text.replace(name, "")
    return CJK_RUN.findall(text)


def test_english_docx_of_the_demo_contract_has_no_chinese(core):
    demo.seed(core)
    case = Case.objects.get(title=demo.TITLE)
    contract = Contract.objects.get(case=case)

    chinese = docx_text(documents.contract_render(case, contract, "zh-hans"))
    assert "每单基础配送费" in chinese and "元/单" in chinese
    assert cjk_runs(chinese, case)  # the check below can see Chinese when it is there

    english = docx_text(documents.contract_render(case, contract, "en"))
    assert cjk_runs(english, case) == []
    assert "base delivery fee per order shall be no less than 6.80 yuan/order" in english
    assert "Demo Jisong Technology Co., Ltd." in english
    assert "Demo City Delivery Workers' Industry Union" in english
    assert "borne in full by the platform" in english
    assert "20 minutes" in english


def test_english_minutes_use_english_item_names(core):
    demo.seed(core)
    case = Case.objects.get(title=demo.TITLE)
    english = docx_text(documents.minutes_render(case, "en"))
    assert "base delivery fee per order" in english
    assert "每单基础配送费" not in english


def test_an_item_without_english_title_keeps_its_chinese_one(core):
    demo.seed(core)
    case = Case.objects.get(title=demo.TITLE)
    case.items.filter(position=0).update(title_en="")
    items = documents.agreed_items(case, "en")
    assert items[0].title == "每单基础配送费" and items[0].unit == "yuan/order"


def test_units_in_english():
    assert english_unit("元/单") == "yuan/order"
    assert english_unit("元/人/年") == "yuan/person/year"
    assert english_unit("分钟") == "minutes"
    assert english_unit("小时") == "hours"
    assert english_unit("%") == "%"
    # Not every word is known: no half-translated unit.
    assert english_unit("元/趟次") == ""
    assert unit_for("元/趟次", "", "en") == "元/趟次"
    assert unit_for("元/趟次", "yuan/trip", "en") == "yuan/trip"
    assert unit_for("元/单", "", "zh-hans") == "元/单"


def test_pick_marks_the_chinese_fallback():
    assert pick("工会", "Union", "en") == "Union" and not pick("工会", "Union", "en").in_chinese
    fallback = pick("工会", "", "en")
    assert fallback == "工会" and fallback.in_chinese
    assert not pick("工会", "Union", "zh-hans").in_chinese
    assert pick("工会", "Union", "zh-hans") == "工会"
