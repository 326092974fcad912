"""Demo consultations for seed_demo (idempotent): the platform's company account, one closed
consultation the company has answered, and one open consultation."""

import datetime as dt

from django.utils import timezone

from bargaining.consultations import services
from bargaining.consultations.models import CompanyAccount, Consultation

EMPLOYER = "示范即送科技有限公司"
CLOSED_TITLE = "超时扣款规则调整"
OPEN_TITLE = "恶劣天气配送费计价规则"


def seed(ctx: dict) -> None:
    company_user = ctx["platform_side"][0]
    CompanyAccount.objects.get_or_create(user=company_user, company=EMPLOYER)
    union, staff, riders = ctx["union"], ctx["union_admin"], ctx["riders"]
    now = timezone.now()
    if not Consultation.objects.filter(title=CLOSED_TITLE).exists():
        start = now - dt.timedelta(days=30)
        closed = services.consultation_publish(
            actor=company_user,
            company=EMPLOYER,
            union=union,
            topic="rewards_penalties",
            title=CLOSED_TITLE,
            draft_text="订单超时 1-5 分钟扣 1 元，5-10 分钟扣 3 元，10 分钟以上扣 5 元。",
            summary="超时扣款按分钟分档，最高每单 5 元。",
            planned_effective_on=(now + dt.timedelta(days=10)).date(),
            now=start,
        )
        closed = services.consultation_open(
            actor=staff, consultation=closed, closes_at=start + dt.timedelta(days=14), now=start
        )
        for rider, position in zip(
            riders, ["oppose", "oppose", "oppose", "neutral", "support"], strict=True
        ):
            services.opinion_give(
                member=rider,
                consultation=closed,
                position=position,
                now=start + dt.timedelta(days=1),
            )
        comment = services.comment_add(
            member=riders[0],
            consultation=closed,
            text="恶劣天气和电梯故障导致的超时不应扣款。",
            now=start + dt.timedelta(days=2),
        )
        services.comment_moderate(actor=staff, comment=comment, approve=True)
        after = start + dt.timedelta(days=15)
        services.written_opinion_set(
            actor=staff,
            consultation=closed,
            union_position="本会不同意按分钟分档扣款，超时原因应先经人工复核。",
            main_points="多数会员反对；超时多因天气、出餐慢、电梯故障等非骑手原因。",
            requests=["非骑手原因的超时不扣款", "扣款前提供人工申诉渠道", "最高扣款不超过 2 元"],
            now=after,
        )
        closed = services.written_opinion_send(actor=staff, consultation=closed, now=after)
        first, second, third = closed.requests.all()
        services.response_record(
            actor=company_user,
            consultation=closed,
            answers={
                first.pk: ("accepted", ""),
                second.pk: ("accepted", ""),
                third.pk: ("partly", "最高扣款调整为 3 元。"),
            },
            final_text="非骑手原因超时不扣款；经申诉复核后方可扣款；每单最高扣 3 元。",
            effective_on=(now + dt.timedelta(days=10)).date(),
            now=after + dt.timedelta(days=3),
        )
    if not Consultation.objects.filter(title=OPEN_TITLE).exists():
        draft = services.consultation_publish(
            actor=company_user,
            company=EMPLOYER,
            union=union,
            topic="pay_per_order",
            title=OPEN_TITLE,
            draft_text="雨雪、高温等恶劣天气每单加价 1 元，由系统根据气象数据自动触发。",
            summary="恶劣天气每单多 1 元，系统自动判断是否算恶劣天气。",
            planned_effective_on=(now + dt.timedelta(days=30)).date(),
            now=now - dt.timedelta(days=1),
        )
        services.consultation_open(
            actor=staff,
            consultation=draft,
            closes_at=now + dt.timedelta(days=13),
            now=now - dt.timedelta(days=1),
        )
