"""Shared helpers of the membership tests."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from unionhome.core import roles
from unionhome.core.idcard import make_id_number
from unionhome.membership import selectors, services
from unionhome.membership.models import UnionStaff

_seq = itertools.count(1)


def new_user(username: str | None = None):
    n = next(_seq)
    return get_user_model().objects.create_user(
        username=username or f"applicant{n}", password="pw-test-2026"
    )


def staff_of(union, username: str | None = None):
    user = new_user(username)
    user.is_staff = True
    user.save()
    user.groups.add(roles.ensure_groups()[roles.UNION_STAFF])
    UnionStaff.objects.create(union=union, user=user)
    return user


def token_for(union) -> str:
    return selectors.join_token(code=services.join_code_ensure_default(union=union))


def valid_id(seq: int = 1) -> str:
    return make_id_number("310115", dt.date(1992, 6, 15), seq % 1000)


def application(**overrides) -> dict:
    data = {
        "full_name": "测试申请人",
        "phone": "13912345678",
        "id_number": valid_id(7),
        "worker_type": "independent",
        "occupation": "外卖骑手",
        "platform": "示范即送",
        "city": "示范市",
        "consent": True,
    }
    data.update(overrides)
    return data


def apply(user, union, **overrides):
    return services.membership_apply(user=user, token=token_for(union), **application(**overrides))
