"""The union's written opinion, read back with python-docx."""

import datetime as dt
import io

from docx import Document

from bargaining.consultations import documents, services
from tests.consultations.conftest import COMPANY, NOW

AFTER = NOW + dt.timedelta(days=11)


def test_written_opinion_names_parties_law_counts_and_requests(ctx, consultation):
    during = NOW + dt.timedelta(days=1)
    for rider, position in zip(
        ctx["riders"][:4], ["oppose", "oppose", "support", "neutral"], strict=True
    ):
        services.opinion_give(
            member=rider, consultation=consultation, position=position, now=during
        )
    services.written_opinion_set(
        actor=ctx["union_admin"],
        consultation=consultation,
        union_position="本会不同意降低基础配送费。",
        main_points="降价后高峰时段收入不足最低工资。",
        requests=["维持 4.5 元基础费", "恶劣天气补贴提高到 2 元"],
        now=AFTER,
    )
    consultation = services.written_opinion_send(
        actor=ctx["union_admin"], consultation=consultation, now=AFTER
    )
    body = documents.written_opinion(consultation)
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "工会关于平台规则修订的书面意见" in text
    assert f"{COMPANY}：" in text and ctx["union"].name in text
    assert "《中华人民共和国劳动合同法》第四条" in text and "人社部发〔2021〕56号" in text
    assert "共4名会员发表意见，其中赞成1人、反对2人、中立1人" in text
    assert "1. 维持 4.5 元基础费" in text and "2. 恶劣天气补贴提高到 2 元" in text
    assert "本会不同意降低基础配送费" in text and "基础配送费由 4.5 元调整为 4.2 元" in text
    assert "2026年3月13日" in text  # sent (dated) the day after the close
    for name in ("张伟", "王芳", "李强"):
        assert name not in text
