"""The union's written opinion on a draft platform rule, as DOCX (in Chinese, as sent)."""

from __future__ import annotations

from django.utils import timezone, translation

from bargaining.consultations import rules, selectors
from bargaining.consultations.models import Consultation
from bargaining.contracts.docx_builder import LetterData, build_letter, format_date


def zh(value) -> str:
    """A date as the letters write it (2026年3月5日)."""
    if hasattr(value, "astimezone"):
        value = value.astimezone(rules.SHANGHAI).date()
    return format_date(value, "zh-hans")


def written_opinion(consultation: Consultation) -> bytes:
    """The draft, the members' counts and main points, the union's position and requests."""
    c = consultation
    counts = selectors.counts(c)
    with translation.override("zh-hans"):
        topic = str(c.get_topic_display())
    paragraphs = [
        "根据《中华人民共和国劳动合同法》第四条和《关于维护新就业形态劳动者劳动保障权益的指导意见》"
        "（人社部发〔2021〕56号），直接涉及劳动者切身利益的规章制度和平台算法，应当听取工会和劳动者的"
        f"意见。本会就贵单位{zh(c.published_at.astimezone(rules.SHANGHAI))}公布的"
        f"《{c.title}》（{topic}，拟于{zh(c.planned_effective_on)}施行）征求了会员意见，"
        "现提出书面意见如下。",
        "一、草案要点：" + c.summary,
        "二、会员意见："
        f"征求意见期自{zh(c.opens_at.astimezone(rules.SHANGHAI))}至"
        f"{zh(c.closes_at.astimezone(rules.SHANGHAI))}，共{counts['total']}名会员发表意见，"
        f"其中赞成{counts['support']}人、反对{counts['oppose']}人、中立{counts['neutral']}人。",
    ]
    if c.main_points:
        paragraphs.append("会员的主要意见：" + c.main_points)
    paragraphs.append("三、本会意见：" + c.union_position)
    paragraphs.append("四、本会的要求：")
    for request in c.requests.all():
        paragraphs.append(f"{request.number}. {request.text}")
    paragraphs.append("请贵单位逐项书面答复，并在规则最终文本及施行日期确定后告知本会。")
    paragraphs.append("附：草案全文")
    paragraphs.append(c.draft_text)
    dated = (c.opinion_sent_at or timezone.now()).astimezone(rules.SHANGHAI).date()
    return build_letter(
        LetterData(
            title="工会关于平台规则修订的书面意见",
            case_name=c.title,
            addressee=c.company,
            paragraphs=paragraphs,
            sender=c.union.name,
            dated=dated,
        )
    )
