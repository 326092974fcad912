"""The referral letter and the supervision notice, read back with python-docx."""

import datetime as dt
import io

from docx import Document

from legalaid.complaints import documents, services
from legalaid.complaints.deadlines import SHANGHAI
from tests.complaints.conftest import COMPANY, png_bytes

NOW = dt.datetime(2026, 3, 6, 10, tzinfo=SHANGHAI)


def text_of(body: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


def make(ctx, disclose=False):
    complaint = services.complaint_file(
        member=ctx["rider3"],
        category="wage_arrears",
        company=COMPANY,
        description="二月配送费 820 元未结清。",
        happened_on=dt.date(2026, 2, 28),
        wants="补发",
        disclose_identity=disclose,
        evidence=[("工资条.png", png_bytes()), ("聊天记录.png", png_bytes())],
        now=NOW,
    )
    staff = ctx["union_admin"]
    return services.complaint_assign(actor=staff, complaint=complaint, officer=staff, now=NOW)


def test_referral_letter_names_parties_articles_and_evidence(ctx):
    complaint = make(ctx)
    text = text_of(documents.referral_letter(complaint))
    assert "劳动保障监察线索移送函" in text
    assert "《劳动保障监察条例》第七条、第九条" in text
    assert COMPANY in text and ctx["union"].name in text
    assert "示范市浦江区人力资源和社会保障行政部门劳动保障监察机构" in text
    assert "1. 工资条.png" in text and "2. 聊天记录.png" in text
    assert complaint.reference in text
    assert "李强" not in text and "13800138003" not in text


def test_referral_letter_names_a_member_who_allowed_it(ctx):
    text = text_of(documents.referral_letter(make(ctx, disclose=True)))
    assert "投诉人：李强" in text


def test_supervision_notice_names_company_articles_and_deadline(ctx):
    complaint = services.notice_issue(
        actor=ctx["union_admin"],
        complaint=make(ctx),
        text="拖欠配送费，请于十五个工作日内补发。",
        now=NOW,
    )
    body = documents.supervision_notice(complaint)
    document = Document(io.BytesIO(body))
    text = text_of(body)
    assert "工会劳动法律监督意见书" in text
    assert f"{COMPANY}：" in text
    assert "《中华人民共和国劳动法》第八十八条" in text
    assert "《中华人民共和国劳动合同法》第七十八条" in text
    assert "《工会劳动法律监督办法》第二十条" in text and "第二十一条" in text
    # 15 working days after Friday 6 March 2026.
    assert "2026年3月27日前" in text
    assert ctx["union"].name in text
    assert "李强" not in text
    # The Chinese font is set for East Asian text (not only the Latin font name).
    rfonts = document.styles["Normal"].element.rPr.rFonts
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    # Deterministic: the same notice gives the same bytes.
    assert documents.supervision_notice(complaint) == body
