"""Talks and activities: places and the waiting list, promotion on cancel, check-in by the
activity's code, the reminder the day before, and the pages per role."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.care import talks
from unionhome.care.models import Activity, Registration, RegistrationStatus
from unionhome.core.errors import DomainError
from unionhome.membership.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(care):
    start = timezone.now() + dt.timedelta(days=3)
    return Activity.objects.create(
        union=care.union,
        kind="talk",
        title="心理健康公益巡讲",
        station=care.station_a,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=2,
    )


def test_places_then_waiting_list_then_promotion(care, activity):
    riders = care.ctx["riders"]
    first, second, third, fourth = (
        talks.activity_register(member=rider, activity=activity) for rider in riders[:4]
    )
    assert [r.status for r in (first, second, third, fourth)] == [
        "registered",
        "registered",
        "waiting",
        "waiting",
    ]
    with pytest.raises(DomainError) as err:
        talks.activity_register(member=riders[0], activity=activity)
    assert err.value.code == talks.ERR_ALREADY and err.value.status == 409
    # Leaving the waiting list frees no place.
    talks.activity_cancel(member=riders[3], registration=fourth)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.WAITING
    talks.activity_cancel(member=riders[0], registration=first)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.REGISTERED
    assert Notification.objects.filter(user=riders[2], message__contains="心理健康").exists()
    # Someone else's registration is not theirs to cancel.
    with pytest.raises(DomainError) as err:
        talks.activity_cancel(member=riders[0], registration=second)
    assert err.value.status == 404
    # After cancelling, registering again is allowed (and waits: the places are taken).
    again = talks.activity_register(member=riders[0], activity=activity)
    assert again.status == RegistrationStatus.WAITING


def test_only_members_and_only_before_the_start(care, activity):
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("walk_in")
    with pytest.raises(DomainError) as err:
        talks.activity_register(member=outsider, activity=activity)
    assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        talks.activity_register(
            member=care.rider1, activity=activity, now=activity.starts_at + dt.timedelta(minutes=1)
        )
    assert err.value.code == talks.ERR_PAST


def test_check_in_window_and_place(care, activity):
    talks.activity_register(member=care.rider1, activity=activity)
    talks.activity_register(member=care.rider2, activity=activity)
    waiting = talks.activity_register(member=care.rider3, activity=activity)
    assert waiting.status == "waiting"
    early = activity.starts_at - dt.timedelta(hours=1, minutes=1)
    with pytest.raises(DomainError) as err:
        talks.activity_check_in(member=care.rider1, activity=activity, now=early)
    assert err.value.code == talks.ERR_CHECKIN_WINDOW
    opening = activity.starts_at - dt.timedelta(hours=1)
    done = talks.activity_check_in(member=care.rider1, activity=activity, now=opening)
    assert done.checked_in_at == opening
    with pytest.raises(DomainError) as err:
        talks.activity_check_in(member=care.rider3, activity=activity, now=opening)
    assert err.value.code == talks.ERR_NOT_REGISTERED
    with pytest.raises(DomainError):
        talks.activity_check_in(
            member=care.rider2, activity=activity, now=activity.ends_at + dt.timedelta(seconds=1)
        )
    token = talks.checkin_token(activity)
    assert talks.activity_from_checkin_token(token) == activity
    with pytest.raises(DomainError):
        talks.activity_from_checkin_token(token + "x")


def test_reminder_the_day_before_once(care, activity):
    talks.activity_register(member=care.rider1, activity=activity)
    talks.activity_register(member=care.rider2, activity=activity)
    talks.activity_register(member=care.rider3, activity=activity)  # waiting: no reminder
    two_days_before = activity.starts_at - dt.timedelta(days=2)
    assert talks.activities_remind(now=two_days_before) == 0
    day_before = activity.starts_at - dt.timedelta(days=1)
    assert talks.activities_remind(now=day_before) == 2
    assert talks.activities_remind(now=day_before + dt.timedelta(minutes=10)) == 0
    assert Registration.objects.filter(reminded_at__isnull=False).count() == 2


def test_pages_register_check_in_and_staff_view(client, care, activity):
    client.force_login(care.rider1)
    assert "心理健康公益巡讲" in client.get("/en/care/activities/").content.decode()
    client.post(f"/en/care/activities/{activity.pk}/register/")
    registration = Registration.objects.get(member=care.rider1)
    assert registration.status == "registered"
    url = f"/en/care/check-in/{talks.checkin_token(activity)}/"
    too_early = client.post(url)
    assert too_early.status_code == 409
    activity.starts_at = timezone.now() + dt.timedelta(minutes=30)
    activity.save()
    assert b"data-checked-in" in client.post(url).content
    client.post(f"/en/care/registrations/{registration.pk}/cancel/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    staff_url = f"/en/care/staff/activities/{activity.pk}/"
    assert client.get(staff_url).status_code == 404
    client.force_login(care.other_staff)
    assert client.get(staff_url).status_code == 404
    client.force_login(care.union_admin)
    assert client.get(staff_url).status_code == 200


def test_api_register_waiting_and_cancel(client, care, activity):
    from tests.care.conftest import post

    activity.capacity = 1
    activity.save()
    assert client.get("/api/v1/care/activities").json()[0]["capacity"] == 1
    url = f"/api/v1/care/activities/{activity.pk}/registrations"
    assert post(client, url).status_code == 401
    client.force_login(care.rider1)
    first = post(client, url)
    assert first.status_code == 201 and first.json()["status"] == "registered"
    assert post(client, url).status_code == 409
    client.force_login(care.rider2)
    assert post(client, url).json()["status"] == "waiting"
    # Another member's registration is not found.
    assert (
        post(client, f"/api/v1/care/registrations/{first.json()['id']}/cancel").status_code == 404
    )
    client.force_login(care.rider1)
    cancelled = post(client, f"/api/v1/care/registrations/{first.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(member=care.rider2).status == "registered"
