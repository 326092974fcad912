"""Fixtures for complaint tests: the core demo users, a company account for the platform,
and small valid evidence files."""

import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from bargaining.consultations.models import CompanyAccount

COMPANY = "示范即送科技有限公司"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def ctx(db):
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    ctx["company_user"] = ctx["platform_side"][0]
    CompanyAccount.objects.create(user=ctx["company_user"], company=COMPANY)
    ctx["rider1"], ctx["rider2"], ctx["rider3"] = ctx["riders"][:3]
    ctx["outsider"] = get_user_model().objects.create_user("outsider", password="x-pass-2026")
    return ctx
