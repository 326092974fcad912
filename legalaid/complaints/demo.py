"""Demo complaints for seed_demo (idempotent): one waiting for triage, one in mediation with
a settlement, both about the demo platform."""

import datetime as dt

from django.utils import timezone

from legalaid.complaints import services
from legalaid.complaints.models import Complaint

EMPLOYER = "示范即送科技有限公司"


def seed(ctx: dict) -> None:
    rider1, rider2 = ctx["riders"][0], ctx["riders"][1]
    staff = ctx["union_admin"]
    if Complaint.objects.filter(member__in=[rider1, rider2]).exists():
        return
    now = timezone.now()
    services.complaint_file(
        member=rider1,
        category="account_penalty",
        company=EMPLOYER,
        description="系统以“异常配送”为由封停账号三天，未说明依据，申诉无人处理。",
        happened_on=(now - dt.timedelta(days=3)).date(),
        wants="恢复账号并补偿停工损失。",
        now=now,
    )
    complaint = services.complaint_file(
        member=rider2,
        category="wage_arrears",
        company=EMPLOYER,
        description="二月份配送费 820 元至今未结算，站点说“系统延迟”。",
        happened_on=(now - dt.timedelta(days=20)).date(),
        wants="补发 820 元。",
        disclose_identity=True,
        now=now - dt.timedelta(days=6),
    )
    complaint = services.complaint_assign(
        actor=staff, complaint=complaint, officer=staff, now=now - dt.timedelta(days=5)
    )
    complaint = services.complaint_refer(
        actor=staff, complaint=complaint, to="mediation", now=now - dt.timedelta(days=5)
    )
    services.mediation_meeting_record(
        actor=staff,
        complaint=complaint,
        held_on=(now - dt.timedelta(days=3)).date(),
        notes="与站点经理、平台区域负责人面谈，公司承认结算延迟。",
        now=now - dt.timedelta(days=3),
    )
    services.mediation_settle(
        actor=staff,
        complaint=complaint,
        settlement="公司于 7 日内补发 820 元，并另付 50 元延迟补偿。",
        now=now - dt.timedelta(days=3),
    )
