"""Finding 9: the admin's history and usage views are scoped to the staff member's unions.

An object's own history and usage answer 404 for another union's object; the site-wide
history (every union's entries, by title and person) is for federation staff only."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from tests.security import matrix_probe as probe
from unionhome.ballots.models import Ballot

pytestmark = pytest.mark.django_db

MARK = "历史记录标记-A"


@pytest.fixture
def world(demo):
    users = probe.build_roles(demo)
    case = demo["case"]
    case.title = MARK
    case.save(update_fields=["title"])
    log(case, "wagtail.edit", user=users["staff_a"])
    return demo, users, case


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("view", ["history", "history_results", "usage"])
def test_staff_of_b_cannot_open_the_history_or_usage_of_a_case_of_a(client, world, view):
    _ctx, users, case = world
    url = reverse(f"wagtailsnippets_bargaining_case:{view}", args=[case.pk])
    assert _get(client, users["staff_b"], url).status_code == 404
    response = _get(client, users["staff_a"], url)
    assert response.status_code == 200
    if view != "usage":
        assert "乙干事" not in response.content.decode()


def test_the_history_of_a_ballot_opens_for_its_union_staff(client, world):
    # The union scope used to be applied to the log entries themselves: a 500.
    _ctx, users, _case = world
    ballot = Ballot.objects.filter(union=_ctx["union"]).first()
    log(ballot, "wagtail.edit", user=users["staff_a"])
    for view in ("history", "history_results"):
        url = reverse(f"wagtailsnippets_ballots_ballot:{view}", args=[ballot.pk])
        assert _get(client, users["staff_a"], url).status_code == 200
        assert _get(client, users["staff_b"], url).status_code == 404


@pytest.mark.parametrize("name", ["site_history", "site_history_results"])
def test_site_history_is_for_federation_staff_only(client, world, name):
    _ctx, users, _case = world
    url = reverse(f"wagtailadmin_reports:{name}")
    for role in ("staff_a", "staff_b", "observer", "volunteer"):
        response = _get(client, users[role], url)
        assert response.status_code == 403, role
        assert MARK not in response.content.decode()
    response = _get(client, users["federation"], url)
    assert response.status_code == 200
    assert MARK in response.content.decode()


@pytest.mark.parametrize("view", ["history", "history_results", "usage"])
def test_staff_of_b_cannot_open_the_history_of_union_a_or_its_staff(client, world, view):
    ctx, users, _case = world
    from unionhome.membership.models import UnionStaff

    link = UnionStaff.objects.get(union=ctx["union"], user=users["staff_a"])
    for name, pk in (("unions", ctx["union"].pk), ("union-staff", link.pk)):
        url = reverse(f"{name}:{view}", args=[pk])
        assert _get(client, users["staff_b"], url).status_code == 404, url
        assert _get(client, users["staff_a"], url).status_code == 200, url
