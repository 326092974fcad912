"""Demo data shared by every app. Each app adds its own in ``<app>/demo.py``."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionhome.core import roles
from unionhome.core.idcard import make_id_number
from unionhome.membership.models import Membership, PhoneNumber, Union, UnionStaff

DEMO_PASSWORD = "demo-pass-2026"

RIDERS = [
    ("rider1", "张伟", "13800138001"),
    ("rider2", "王芳", "13800138002"),
    ("rider3", "李强", "13800138003"),
    ("rider4", "刘洋", "13800138004"),
    ("rider5", "陈静", "13800138005"),
]
UNION_SIDE = [
    ("union_chief", "赵工会", "13900139001"),
    ("union_rep2", "钱代表", "13900139002"),
    ("union_rep3", "孙代表", "13900139003"),
]
PLATFORM_SIDE = [
    ("platform_chief", "周经理", "13700137001"),
    ("platform_rep2", "吴主管", "13700137002"),
    ("platform_rep3", "郑专员", "13700137003"),
]
VOLUNTEERS = [("volunteer1", "冯律师", "13600136001"), ("volunteer2", "陈法务", "13600136002")]


def ensure_user(username: str, *, name: str = "", phone: str = "", groups=(), **flags):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    else:
        changed = False
        for key, value in flags.items():
            if getattr(user, key) != value:
                setattr(user, key, value)
                changed = True
        if changed:
            user.save()
    if phone:
        PhoneNumber.objects.get_or_create(
            user=user, defaults={"phone": "+86" + phone, "verified": True}
        )
    for group in groups:
        user.groups.add(group)
    return user


def seed_core() -> dict:
    groups = roles.ensure_groups()
    ctx: dict = {"groups": groups, "password": DEMO_PASSWORD}
    ctx["admin"] = ensure_user(
        "admin",
        name="市总工会管理员",
        is_staff=True,
        is_superuser=True,
        groups=[groups[roles.FEDERATION_STAFF]],
    )

    federation, _ = Union.objects.get_or_create(
        name="示范市总工会",
        defaults={
            "kind": "federation",
            "name_en": "Demo City Federation of Trade Unions",
            "region": "示范市",
            "region_en": "Demo City",
            "region_code": "310000",
        },
    )
    district, _ = Union.objects.get_or_create(
        name="示范市浦江区总工会",
        defaults={
            "kind": "district",
            "parent": federation,
            "name_en": "Pujiang District Federation",
            "region": "示范市浦江区",
            "region_en": "Pujiang District, Demo City",
            "region_code": "310115",
        },
    )
    union, _ = Union.objects.get_or_create(
        name="示范市快递外卖行业工会联合会",
        defaults={
            "kind": "industry",
            "parent": district,
            "name_en": "Demo City Delivery Workers' Industry Union",
            "region": "示范市浦江区",
            "region_en": "Pujiang District, Demo City",
            "region_code": "310115",
            "industry": "外卖配送",
            "industry_en": "Food delivery",
            "address": "示范市浦江区骑手路 1 号",
            "address_en": "1 Rider Road, Pujiang District, Demo City",
            "contact_name": "李老师",
            "contact_phone": "021-12345678",
            "member_no_prefix": "WM",
        },
    )
    regional, _ = Union.objects.get_or_create(
        name="示范市浦江区新就业形态劳动者联合工会",
        defaults={
            "kind": "regional",
            "parent": district,
            "name_en": "Pujiang Regional Union of New-Form Workers",
            "region": "示范市浦江区",
            "region_en": "Pujiang District, Demo City",
            "region_code": "310115",
            "industry": "综合",
            "industry_en": "Mixed",
        },
    )
    enterprise, _ = Union.objects.get_or_create(
        name="示范即送科技有限公司工会",
        defaults={
            "kind": "enterprise",
            "parent": district,
            "name_en": "Jisong Technology Co. Union",
            "region": "示范市浦江区",
            "region_en": "Pujiang District, Demo City",
            "region_code": "310115",
            "industry": "外卖平台",
            "industry_en": "Delivery platform",
        },
    )
    ctx.update(
        federation=federation,
        district=district,
        union=union,
        regional=regional,
        enterprise=enterprise,
    )

    union_admin = ensure_user(
        "union_admin",
        name="行业工会干事",
        phone="13500135000",
        is_staff=True,
        groups=[groups[roles.UNION_STAFF]],
    )
    UnionStaff.objects.get_or_create(union=union, user=union_admin, defaults={"title": "工会干事"})
    ctx["union_admin"] = union_admin

    riders = []
    for index, (username, name, phone) in enumerate(RIDERS, start=1):
        user = ensure_user(username, name=name, phone=phone)
        Membership.objects.get_or_create(
            user=user,
            union=union,
            status="active",
            defaults={
                "member_no": f"WM{index:06d}",
                "since": dt.date(2024, 3, index),
                "full_name": name,
                "phone": "+86" + phone,
                "id_number": make_id_number(
                    "310115", dt.date(1990 + index, index, 10 + index), 100 + index
                ),
                "worker_type": [
                    "written_agreement",
                    "labour_contract",
                    "independent",
                    "written_agreement",
                    "written_agreement",
                ][index - 1],
                "occupation": "外卖骑手",
                "platform": "示范即送",
                "city": "示范市",
                "consent_at": timezone.now(),
                "decided_at": timezone.now(),
            },
        )
        riders.append(user)
    ctx["riders"] = riders

    negotiators = groups[roles.NEGOTIATORS]
    ctx["union_side"] = [
        ensure_user(u, name=n, phone=p, groups=[negotiators]) for u, n, p in UNION_SIDE
    ]
    ctx["platform_side"] = [
        ensure_user(u, name=n, phone=p, groups=[negotiators]) for u, n, p in PLATFORM_SIDE
    ]
    if union.chair_id is None:
        union.chair = ctx["union_side"][0]
        union.save(update_fields=["chair"])
    volunteer_group = groups[roles.VOLUNTEERS]
    ctx["volunteers"] = [
        ensure_user(u, name=n, phone=p, groups=[volunteer_group]) for u, n, p in VOLUNTEERS
    ]
    return ctx


def seed_all() -> dict:
    # Imported here: each app's demo builds on this module's helpers (a real import cycle).
    from bargaining import demo as bargaining_demo
    from bargaining.consultations import demo as consultations_demo
    from bargaining.contracts import demo as contracts_demo
    from cms import demo as cms_demo
    from legalaid import demo as legalaid_demo
    from legalaid.complaints import demo as complaints_demo
    from unionhome.ballots import demo as ballots_demo
    from unionhome.care import demo as care_demo
    from unionhome.membership import demo as demo_membership

    ctx = seed_core()
    for module in (
        demo_membership,
        bargaining_demo,
        ballots_demo,
        contracts_demo,
        legalaid_demo,
        care_demo,
        complaints_demo,
        consultations_demo,
        cms_demo,
    ):
        module.seed(ctx)
    return ctx
