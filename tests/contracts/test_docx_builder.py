"""The DOCX builder on its own: plain data in, a document a real reader opens."""

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bargaining.contracts import docx_builder as b
from bargaining.contracts.content import contract_data, numbered
from bargaining.contracts.wording import AgreedItem

ITEMS = [
    AgreedItem("pay", "每单配送基本单价", "6.50", "元/单", "money"),
    AgreedItem("protection", "连续在线4小时后的休息时间", "20", "", "minutes"),
    AgreedItem("safety", "恶劣天气停派机制", "暴雨红色预警时暂停派单", "", "text"),
    AgreedItem("rewards_penalties", "差评申诉处理时限", "48", "小时", "hours"),
    AgreedItem("pay", "法定节假日工作报酬", "300", "%", "percent"),
]


def sample(language=b.ZH, **overrides):
    employer = b.Party("示范即送科技有限公司", "周经理", dt.date(2026, 3, 2))
    union = b.Party("示范市快递外卖行业工会联合会", "赵工会", dt.date(2026, 3, 1))
    data = contract_data(
        title="示范市外卖配送行业集体合同",
        case_name="2026年度外卖配送行业集体协商",
        employer=employer,
        union=union,
        items=ITEMS,
        term_years=3,
        start=dt.date(2026, 4, 1),
        end=dt.date(2029, 3, 31),
        language=language,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def open_docx(content: bytes):
    return Document(io.BytesIO(content))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_chapters_in_statutory_order_and_articles_numbered():
    document = open_docx(b.build_contract(sample()))
    found = headings(document)
    assert found[0] == "第一章　总则"
    assert found[-1].endswith("附则")
    titles = [h.split("　", 1)[1] for h in found]
    order = [b.CHAPTER_TITLES[b.ZH][k] for k in b.CHAPTER_ORDER]
    positions = [order.index(t) for t in titles]
    assert positions == sorted(positions)
    for expected in ("劳动报酬", "休息休假", "劳动安全与卫生", "奖惩", "争议处理", "违约责任"):
        assert expected in titles
    articles = [t for t in texts(document) if t.startswith("第") and "条　" in t[:8]]
    assert articles[0].startswith("第一条　")
    assert articles[1].startswith("第二条　")
    assert articles[-1].startswith(f"第{b.chinese_number(len(articles))}条　")


def test_items_are_readable_sentences_in_their_chapter():
    document = open_docx(b.build_contract(sample()))
    body = texts(document)
    pay_at = body.index("第二章　劳动报酬")
    rest_at = next(i for i, t in enumerate(body) if t.endswith("休息休假"))
    pay_text = "\n".join(body[pay_at:rest_at])
    assert "甲方保证劳动者每单配送基本单价不低于6.50元/单。" in pay_text
    assert "连续在线4小时后的休息时间为20分钟" in "\n".join(body[rest_at:])
    # Not a raw value dump.
    assert not any(t.strip() in {"6.50", "20"} for t in body)


def test_pay_table_holds_the_agreed_figures():
    document = open_docx(b.build_contract(sample()))
    pay_table = next(t for t in document.tables if t.rows[0].cells[0].text == "项目")
    rows = [[c.text for c in row.cells] for row in pay_table.rows[1:]]
    assert ["每单配送基本单价", "6.50", "元/单"] in rows
    assert ["法定节假日工作报酬", "300", "%"] in rows
    assert all(r[0] != "恶劣天气停派机制" for r in rows)


def test_fonts_page_header_and_footer():
    content = b.build_contract(sample())
    document = open_docx(content)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == b.BODY_EAST_ASIAN
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "SimHei"
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    assert section.header.paragraphs[0].text == "2026年度外卖配送行业集体协商"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        footers = [n for n in archive.namelist() if n.startswith("word/footer")]
        footer_xml = "".join(archive.read(n).decode() for n in footers)
    assert 'w:instr="PAGE"' in footer_xml


def test_signature_block_names_both_chiefs_with_dates():
    document = open_docx(b.build_contract(sample()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "甲方（盖章）：示范即送科技有限公司" in cells
    assert "乙方（盖章）：示范市快递外卖行业工会联合会" in cells
    assert "首席代表（签字）：周经理" in cells
    assert "首席代表（签字）：赵工会" in cells
    assert "日期：2026年3月2日" in cells
    assert "日期：2026年3月1日" in cells


def test_unsigned_parties_get_blank_date_lines_and_draft_mark():
    data = sample(draft=True)
    data.employer.signed_on = None
    document = open_docx(b.build_contract(data))
    assert any(t.endswith("（草案）") for t in texts(document))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "日期：____年__月__日" in cells


def test_title_page_shows_parties_and_term():
    body = texts(open_docx(b.build_contract(sample())))
    assert "甲方：示范即送科技有限公司" in body
    assert "合同期限：自2026年4月1日起至2029年3月31日止" in body


def test_english_rendering_with_the_same_builder():
    document = open_docx(b.build_contract(sample(language=b.EN)))
    found = headings(document)
    assert found[0] == "Chapter 1. General provisions"
    body = "\n".join(texts(document))
    assert "Article 1. " in body
    assert "no less than 6.50 yuan/order" in body or "no less than 6.50 元/单" in body
    assert "第一条" not in body


def test_html_numbering_matches_the_document():
    data = sample()
    chapters = numbered(data)
    document = open_docx(b.build_contract(data))
    articles = [t for t in texts(document) if t.startswith("第") and "条　" in t[:8]]
    html = [f"{a.label}　{a.text}" for c in chapters for a in c.articles]
    assert html == articles
    assert [c.heading for c in chapters] == headings(document)


BAD = "A\x00B\x01\x08\x0b\x0c\x1f\x7f\ufffe\uffff\ud800C"


def test_control_characters_are_cleaned():
    assert b.clean_text(BAD) == "ABC"
    items = [AgreedItem("pay", "单价" + BAD, BAD, BAD, "text", note=BAD)]
    data = contract_data(
        title="合同" + BAD,
        case_name="案" + BAD,
        employer=b.Party("公司\x00", "周\x01"),
        union=b.Party("工会\x1f"),
        items=items,
    )
    data.chapters.append(b.Chapter("pay", ["条款" + BAD]))
    data.pay_rows.append(b.PayRow(BAD, BAD, BAD, BAD))
    document = open_docx(b.build_contract(data))
    body = "\n".join(texts(document))
    assert "合同ABC" in body
    assert "条款ABC" in body
    assert "双方约定，单价ABC：ABC。（说明：ABC）" in body


def test_emoji_rtl_markup_and_long_notes_survive():
    nasty = "😀 مرحبا <w:p>&amp;</b> " + "很长的备注" * 3000
    item = AgreedItem("other", "<script>alert(1)</script>", nasty, "", "text", note=nasty)
    data = contract_data(
        title="合同",
        case_name="案",
        employer=b.Party("甲"),
        union=b.Party("乙"),
        items=[item],
    )
    document = open_docx(b.build_contract(data))
    body = "\n".join(texts(document))
    assert "<script>alert(1)</script>" in body
    assert "😀 مرحبا <w:p>&amp;</b>" in body
    assert max(len(t) for t in texts(document)) <= 2 * b.MAX_TEXT


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=80),
    note=st.text(max_size=200),
    value=st.one_of(st.text(max_size=50), st.decimals(allow_nan=False, allow_infinity=False)),
    unit=st.text(max_size=10),
)
def test_arbitrary_text_never_breaks_the_builder(title, note, value, unit):
    item = AgreedItem("pay", title, value, unit, "money", note=note)
    data = contract_data(
        title=title,
        case_name=note,
        employer=b.Party(title, note),
        union=b.Party(unit),
        items=[item],
    )
    content = b.build_contract(data)
    document = open_docx(content)
    assert headings(document)[0].endswith("总则")
    minutes = b.build_minutes(
        b.MinutesData(
            title=title,
            case_name=note,
            employer=b.Party(title),
            union=b.Party(unit),
            entries=[b.MinutesEntry(dt.datetime(2026, 1, 1, 9, 0), title, note)],
        )
    )
    assert open_docx(minutes).tables


def test_minutes_list_events_with_times_and_signature_lines():
    data = b.MinutesData(
        title="",
        case_name="外卖协商",
        employer=b.Party("示范即送", "周经理"),
        union=b.Party("行业工会", "赵工会"),
        rounds=2,
        recorder="记录员",
        entries=[
            b.MinutesEntry(dt.datetime(2026, 1, 5, 9, 30), "第1轮开始", ""),
            b.MinutesEntry(dt.datetime(2026, 1, 5, 10, 0), "报价", "乙方：每单7.00元"),
        ],
    )
    document = open_docx(b.build_minutes(data))
    assert texts(document)[0] == "集体协商会议记录"
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["时间", "事项", "内容"]
    assert rows[2] == ["2026-01-05 10:00", "报价", "乙方：每单7.00元"]
    body = "\n".join(texts(document))
    assert "记录人（签字）：记录员" in body
    assert "首席代表（签字）：赵工会" in body


def test_letter_and_zip():
    letter = b.build_letter(
        b.LetterData(
            title="集体合同报送函",
            case_name="案",
            addressee="示范市人力资源和社会保障局",
            paragraphs=["现将集体合同报送审查。"],
            sender="示范工会",
            dated=dt.date(2026, 3, 5),
        )
    )
    body = texts(open_docx(letter))
    assert "示范市人力资源和社会保障局：" in body
    assert "2026年3月5日" in body
    archive = zipfile.ZipFile(io.BytesIO(b.build_zip({"1-合同.docx": letter, "2-函.docx": b"x"})))
    assert archive.namelist() == ["1-合同.docx", "2-函.docx"]
    assert archive.read("1-合同.docx") == letter


def test_chinese_numbers():
    assert [b.chinese_number(n) for n in (1, 10, 11, 20, 21, 99, 100, 105, 110, 999)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零五",
        "一百一十",
        "九百九十九",
    ]


def convert_to_pdf(content: bytes, workdir: Path) -> Path:
    source = workdir / "contract.docx"
    source.write_bytes(content)
    profile = workdir / "profile"
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return workdir / "contract.pdf"


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_renders_the_contract_to_pdf():
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        pdf = convert_to_pdf(b.build_contract(sample()), Path(tmp))
        assert pdf.exists(), "LibreOffice wrote no PDF"
        reader = PdfReader(str(pdf))
        assert 2 <= len(reader.pages) <= 10
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
        else:
            text = "\n".join(page.extract_text() for page in reader.pages)
        squashed = "".join(text.split())
        assert "示范市外卖配送行业集体合同" in squashed
        assert "劳动报酬" in squashed
        assert "甲方保证劳动者每单配送基本单价不低于6.50元/单" in squashed
        # The PAGE field is rendered as a number in the footer.
        assert "第1页" in squashed and "第2页" in squashed


def test_the_same_contract_gives_the_same_bytes_whatever_the_clock(monkeypatch):
    import time

    first = b.build_contract(sample())
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert b.build_contract(sample()) == first
    # And the document still opens.
    assert Document(io.BytesIO(first)).paragraphs
