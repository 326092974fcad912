"""Fixtures for consultation tests: the core demo users, the platform's company account, and
a published draft rule."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from bargaining.consultations import services
from bargaining.consultations.models import CompanyAccount
from bargaining.consultations.rules import SHANGHAI

COMPANY = "示范即送科技有限公司"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def ctx(db):
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    ctx["company_user"] = ctx["platform_side"][0]
    CompanyAccount.objects.create(user=ctx["company_user"], company=COMPANY)
    ctx["outsider"] = get_user_model().objects.create_user("outsider", password="x-pass-2026")
    return ctx


def publish(ctx, **extra):
    data = {
        "actor": ctx["company_user"],
        "company": COMPANY,
        "union": ctx["union"],
        "topic": "pay_per_order",
        "title": "配送费计价规则调整",
        "draft_text": "基础配送费由 4.5 元调整为 4.2 元；恶劣天气补贴 1 元。",
        "summary": "每单基础费降 0.3 元，雨雪天每单加 1 元。",
        "planned_effective_on": dt.date(2026, 4, 1),
        "now": NOW,
    }
    data.update(extra)
    return services.consultation_publish(**data)


def opened(ctx, **extra):
    consultation = publish(ctx, **extra)
    return services.consultation_open(
        actor=ctx["union_admin"],
        consultation=consultation,
        closes_at=NOW + dt.timedelta(days=10),
        now=NOW,
    )


@pytest.fixture
def consultation(ctx):
    return opened(ctx)
