"""Fixtures for care tests: the core demo users, a staff member of another union, a
subsistence line, a station and a running campaign."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from legalaid.models import Station
from unionhome.care import services
from unionhome.care.models import CampaignStation, SubsistenceLine, WarmthCampaign
from unionhome.membership.models import UnionStaff

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


class NS:
    pass


@pytest.fixture
def care(db):
    from unionhome.care.demo import ensure_default_levels
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    # A database flushed by an earlier live-server test has lost the migration's levels.
    ensure_default_levels()
    ns = NS()
    ns.ctx = ctx
    ns.union = ctx["union"]
    ns.rider1, ns.rider2, ns.rider3 = ctx["riders"][:3]
    ns.union_admin = ctx["union_admin"]
    ns.admin = ctx["admin"]
    other_staff = get_user_model().objects.create_user("regional_staff", password="x-pass-2026")
    UnionStaff.objects.create(union=ctx["regional"], user=other_staff)
    ns.other_staff = other_staff
    SubsistenceLine.objects.create(region="示范市", monthly_per_person="1510", is_example=True)
    ns.station_a = Station.objects.create(
        union=ns.union, name="骑手驿站（滨江）", address="滨江路 8 号", district="浦江区"
    )
    ns.station_b = Station.objects.create(
        union=ns.union, name="骑手驿站（新城）", address="新城路 2 号", district="新城区"
    )
    today = timezone.localdate()
    ns.campaign = WarmthCampaign.objects.create(
        union=ns.union,
        kind="winter_warmth",
        title="冬送温暖",
        item="暖心包",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=10),
        limit_per_member=2,
    )
    ns.supply_a = CampaignStation.objects.create(
        campaign=ns.campaign, station=ns.station_a, supplied=5, remaining=5
    )
    ns.supply_b = CampaignStation.objects.create(
        campaign=ns.campaign, station=ns.station_b, supplied=1, remaining=1
    )
    return ns


def apply(member, actor=None, **extra):
    values = {
        "cause": "illness",
        "household_size": 3,
        "income_per_head": "900",
        "description": "爱人患病住院，家庭收入下降。",
    }
    values.update(extra)
    return services.hardship_apply(actor=actor or member, member=member, **values)


def registered(care, member=None, *, today=None):
    member = member or care.rider2
    file = apply(member)
    services.hardship_visit(
        actor=care.union_admin,
        file=file,
        visited_on=today or timezone.localdate(),
        notes="家访：情况属实。",
        today=today,
    )
    return services.hardship_decide(
        actor=care.union_admin, file=file, decision="registered", level="hardship", today=today
    )


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **EN)
