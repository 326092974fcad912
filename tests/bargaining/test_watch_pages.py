"""The watch page of an open session, and the chiefs' controls (no-JavaScript path)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from bargaining import watching
from bargaining.models import Case
from tests.bargaining.test_watching import member_of, open_session
from unionhome.membership.models import Union

pytestmark = pytest.mark.django_db


def watch_url(case):
    return reverse("bargaining:watch", args=[case.pk])


def test_member_sees_the_public_table_without_caucus_or_names(client, demo, case):
    open_session(case, demo)
    client.force_login(demo["riders"][0])
    response = client.get(watch_url(case))
    body = response.content.decode()
    assert response.status_code == 200
    assert "bargaining/watch.js" in body
    assert "工会方" in body or "Union side" in body  # offers are shown by side
    assert "配送费底线" not in body and "可以让到" not in body  # both caucuses
    for negotiator in demo["union_side"] + demo["platform_side"]:
        name = negotiator.get_full_name()
        assert not name or name not in body, name


def test_case_may_name_the_negotiators(client, demo, case):
    Case.objects.filter(pk=case.pk).update(watch_shows_names=True)
    case.refresh_from_db()
    open_session(case, demo)
    client.force_login(demo["riders"][0])
    body = client.get(watch_url(case)).content.decode()
    assert demo["union_side"][0].get_full_name() in body


def test_closed_session_and_outsiders_get_404(client, demo, case):
    client.force_login(demo["riders"][0])
    assert client.get(watch_url(case)).status_code == 404  # not open yet
    open_session(case, demo)
    other = member_of(Union.objects.create(name="其他工会", kind="enterprise"), "other-member")
    client.force_login(other)
    assert client.get(watch_url(case)).status_code == 404
    client.force_login(get_user_model().objects.create_user(username="nobody", password="x"))
    assert client.get(watch_url(case)).status_code == 404
    client.logout()
    assert client.get(watch_url(case)).status_code == 302  # to the login page


def test_participants_are_sent_to_the_room(client, demo, case):
    open_session(case, demo)
    client.force_login(demo["platform_side"][1])
    response = client.get(watch_url(case))
    assert response.status_code == 302
    assert response["Location"] == reverse("bargaining:room", args=[case.pk])


def test_case_list_offers_open_sessions_to_members(client, demo, case):
    client.force_login(demo["riders"][0])
    assert watch_url(case) not in client.get(reverse("bargaining:case_list")).content.decode()
    open_session(case, demo)
    assert watch_url(case) in client.get(reverse("bargaining:case_list")).content.decode()


def test_chiefs_open_and_close_from_the_room(client, demo, case):
    for chief in (demo["union_side"][0], demo["platform_side"][0]):
        client.force_login(chief)
        client.post(reverse("bargaining:command", args=[case.pk, "watch_open"]))
    case.refresh_from_db()
    assert case.watch_opened_at is not None
    body = client.get(reverse("bargaining:room", args=[case.pk])).content.decode()
    assert "watch_close" in body
    client.post(reverse("bargaining:command", args=[case.pk, "watch_close"]))
    case.refresh_from_db()
    assert case.watch_opened_at is None
    assert not watching.may_watch(user=demo["riders"][0], case=case)


def test_a_representative_cannot_open(client, demo, case):
    client.force_login(demo["union_side"][1])
    client.post(reverse("bargaining:command", args=[case.pk, "watch_open"]))
    case.refresh_from_db()
    assert case.watch_union_consent_at is None
