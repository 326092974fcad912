"""The audit log screen: federation staff only, with filters; union staff must not see it."""

import datetime as dt

import pytest

from tests.membership.helpers import new_user
from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.core import roles

pytestmark = pytest.mark.django_db

URL = "/admin/audit/"


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    audit_record(
        action=AuditAction.MEMBERSHIP_APPROVE,
        actor=ctx["union_admin"],
        object_type="unionhome.membership",
        object_id=41,
        union=ctx["union"],
    )
    audit_record(
        action=AuditAction.CONTRACT_SIGN,
        actor=ctx["admin"],
        object_type="contracts.contract",
        object_id=42,
        union=ctx["regional"],
    )
    return ctx


def rows(response) -> str:
    return response.content.decode()


def test_federation_staff_see_and_filter_the_log(client, core):
    client.force_login(core["admin"])
    page = rows(client.get(URL))
    assert 'data-audit-action="membership.approve"' in page
    assert 'data-audit-action="contract.sign"' in page

    page = rows(client.get(URL, {"action": "contract.sign"}))
    assert 'data-audit-action="membership.approve"' not in page
    assert 'data-audit-action="contract.sign"' in page

    page = rows(client.get(URL, {"union": core["union"].pk}))
    assert 'data-audit-action="membership.approve"' in page
    assert 'data-audit-action="contract.sign"' not in page

    page = rows(client.get(URL, {"actor": "union_admin"}))
    assert 'data-audit-action="membership.approve"' in page
    assert 'data-audit-action="contract.sign"' not in page

    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    page = rows(client.get(URL, {"first_day": tomorrow}))
    assert "data-audit-action=" not in page


def test_federation_group_member_sees_the_log(client, core):
    user = new_user()
    user.is_staff = True
    user.save()
    user.groups.add(roles.ensure_groups()[roles.FEDERATION_STAFF])
    client.force_login(user)
    assert client.get(URL).status_code == 200


def test_union_staff_and_members_must_not_see_the_log(client, core):
    client.force_login(core["union_admin"])
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "data-audit-action=" not in rows(response)
    menu = rows(client.get("/admin/"))
    assert URL not in menu

    client.force_login(core["riders"][0])
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "data-audit-action=" not in rows(response)
