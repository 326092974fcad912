"""The complaint's letters as DOCX: the referral to labour inspection and the labour-law
supervision notice. Gather plain data here, lay it out with the contracts' letter builder.

Both are official letters in Chinese. Neither ever names a complainant who did not allow the
union to disclose their identity: the company receives the notice, and the inspection office
contacts the company.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from bargaining.contracts.docx_builder import LetterData, build_letter, format_date
from legalaid.complaints.deadlines import SHANGHAI
from legalaid.complaints.models import Complaint
from legalaid.complaints.selectors import member_identity


def zh(value) -> str:
    """A date as the letters write it (2026年3月5日)."""
    if hasattr(value, "astimezone"):
        value = value.astimezone(SHANGHAI).date()
    return format_date(value, "zh-hans")


def _today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()


def _identity_line(complaint: Complaint) -> str:
    if not complaint.disclose_identity:
        return (
            "投诉人未同意向用人单位披露其身份，本函不载明其姓名及联系方式；如需核实，请与本会联系。"
        )
    identity = member_identity(complaint=complaint, role="company") or {}
    return f"投诉人：{identity.get('name', '')}（联系电话：{identity.get('phone', '')}）。"


def _category(complaint: Complaint) -> str:
    with translation.override("zh-hans"):
        return str(complaint.get_category_display())


def referral_letter(complaint: Complaint) -> bytes:
    """劳动保障监察移送函 (《劳动保障监察条例》 arts. 7, 9), with the evidence list."""
    union = complaint.union
    evidence = list(complaint.evidence.all())
    paragraphs = [
        f"根据《劳动保障监察条例》第七条、第九条，本会现将会员投诉的{complaint.company}"
        "涉嫌违反劳动保障法律、法规的线索移送贵单位，请依法调查处理，并将处理结果告知本会。",
        f"投诉编号：{complaint.reference}；投诉类别：{_category(complaint)}；"
        f"发生时间：{zh(complaint.happened_on)}。"
        if complaint.happened_on
        else f"投诉编号：{complaint.reference}；投诉类别：{_category(complaint)}。",
        f"被投诉单位：{complaint.company}。",
        _identity_line(complaint),
        f"事实与经过：{complaint.description}",
    ]
    if complaint.wants:
        paragraphs.append(f"投诉人诉求：{complaint.wants}")
    paragraphs.append("证据清单：" if evidence else "证据清单：投诉人未提交书面证据。")
    for number, item in enumerate(evidence, start=1):
        uploaded = item.uploaded_at.astimezone(SHANGHAI)
        paragraphs.append(
            f"{number}. {item.original_name}（{item.content_type}，{item.size} 字节，"
            f"{zh(uploaded)}提交）"
        )
    contact = union.contact_name or (complaint.officer.get_full_name() if complaint.officer else "")
    if contact or union.contact_phone:
        paragraphs.append(f"本会联系人：{contact} {union.contact_phone}".strip())
    return build_letter(
        LetterData(
            title="劳动保障监察线索移送函",
            case_name=complaint.reference,
            addressee=f"{union.region or ''}人力资源和社会保障行政部门劳动保障监察机构",
            paragraphs=paragraphs,
            sender=union.name,
            dated=_today(),
        )
    )


def supervision_notice(complaint: Complaint) -> bytes:
    """工会劳动法律监督意见书: Labour Law art. 88, Labour Contract Law art. 78,
    《工会劳动法律监督办法》(2021) arts. 20-21 (reply within 15 working days)."""
    union = complaint.union
    issued = (complaint.notice_issued_at or timezone.now()).astimezone(SHANGHAI).date()
    paragraphs = [
        "根据《中华人民共和国劳动法》第八十八条、《中华人民共和国劳动合同法》第七十八条和"
        "《工会劳动法律监督办法》第二十条，本会对贵单位遵守劳动法律、法规的情况进行监督，"
        f"经核查，贵单位存在以下问题（类别：{_category(complaint)}；编号：{complaint.reference}）：",
        complaint.notice_text,
    ]
    if complaint.disclose_identity:
        paragraphs.append(_identity_line(complaint))
    if complaint.notice_reply_due:
        paragraphs.append(
            "请贵单位在收到本意见书之日起十五个工作日内（即"
            f"{zh(complaint.notice_reply_due)}前）作出处理意见，并书面告知本会。"
            "逾期未改正的，本会可以依照《工会劳动法律监督办法》第二十一条"
            "提请劳动行政等有关部门依法处理。"
        )
    return build_letter(
        LetterData(
            title="工会劳动法律监督意见书",
            case_name=complaint.reference,
            addressee=complaint.company,
            paragraphs=paragraphs,
            sender=union.name,
            dated=issued,
        )
    )
