"""Role groups keep their English names as keys but read in the admin user's language."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from unionhome.core import roles


@pytest.fixture
def superuser(db):
    roles.ensure_groups()
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-unused-1")


def test_the_chinese_user_form_shows_chinese_role_names(client, superuser):
    worker = get_user_model().objects.create_user("worker", password="pw-unused-2")
    worker.groups.add(Group.objects.get(name=roles.NEGOTIATORS))
    client.force_login(superuser)
    html = client.get(f"/admin/users/edit/{worker.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    html = html.decode()
    for chinese in ("联合会工作人员", "工会工作人员", "法律援助志愿者", "协商代表"):
        assert chinese in html
    assert "Federation staff" not in html and "Negotiators" not in html


def test_the_chinese_group_list_shows_chinese_role_names(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/groups/").content.decode()
    assert "联合会工作人员" in html and "Federation staff" not in html


def test_the_stored_names_stay_the_lookup_keys(superuser):
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_GROUPS)
    assert roles.role_label("Someone's own group") == "Someone's own group"
