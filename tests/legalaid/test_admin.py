"""The Wagtail admin for legal aid: scoped listings, scoped object URLs, the dashboard panel."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from legalaid import services
from legalaid.models import AvailabilityWindow, Feedback
from legalaid.signals import grant_permissions
from tests.legalaid.conftest import future_slot
from unionhome.core import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(la):
    grant_permissions()
    slot = future_slot(la.v1)
    return services.booking_create(
        actor=la.rider1,
        member=la.rider1,
        slot=slot,
        topic="wage_arrears",
        description="押金不退 admin-marker",
        channel="in_person",
    )


def test_union_staff_see_bookings_of_their_unions(client, la, booked):
    client.force_login(la.union_admin)
    listing = client.get("/admin/legalaid_bookings/")
    assert listing.status_code == 200
    assert f"/admin/legalaid_bookings/inspect/{booked.pk}/" in listing.content.decode()
    inspect = client.get(f"/admin/legalaid_bookings/inspect/{booked.pk}/")
    assert inspect.status_code == 200 and "admin-marker" in inspect.content.decode()


def test_volunteer_sees_only_own_cases(client, la, booked):
    client.force_login(la.v1.user)
    assert client.get(f"/admin/legalaid_bookings/inspect/{booked.pk}/").status_code == 200
    client.force_login(la.v2.user)
    listing = client.get("/admin/legalaid_bookings/")
    assert listing.status_code == 200
    assert f"inspect/{booked.pk}/" not in listing.content.decode()
    assert client.get(f"/admin/legalaid_bookings/inspect/{booked.pk}/").status_code == 404


def test_bookings_are_read_only_in_admin(client, la, booked):
    client.force_login(la.union_admin)
    assert client.get(f"/admin/legalaid_bookings/edit/{booked.pk}/").status_code == 302
    assert client.get("/admin/legalaid_bookings/new/").status_code == 302


def test_staff_of_another_union_see_nothing(client, la, booked):
    from django.contrib.auth import get_user_model

    from unionhome.membership.models import UnionStaff

    other = get_user_model().objects.create_user("enterprise_staff", password="x-pass-2026")
    other.groups.add(Group.objects.get(name=roles.UNION_STAFF))
    UnionStaff.objects.create(union=la.ctx["enterprise"], user=other)
    client.force_login(other)
    listing = client.get("/admin/legalaid_bookings/")
    assert listing.status_code == 200
    assert f"inspect/{booked.pk}/" not in listing.content.decode()
    assert client.get(f"/admin/legalaid_bookings/inspect/{booked.pk}/").status_code == 404
    assert client.get(f"/admin/legalaid_stations/edit/{la.station.pk}/").status_code == 404


def test_volunteer_manages_own_windows_only(client, la, booked):
    own = AvailabilityWindow.objects.filter(volunteer=la.v1).first()
    others = AvailabilityWindow.objects.filter(volunteer=la.v2).first()
    client.force_login(la.v1.user)
    listing = client.get("/admin/legalaid_windows/").content.decode()
    assert f"/admin/legalaid_windows/edit/{own.pk}/" in listing
    assert f"/admin/legalaid_windows/edit/{others.pk}/" not in listing
    assert client.get(f"/admin/legalaid_windows/edit/{own.pk}/").status_code == 200
    assert client.get(f"/admin/legalaid_windows/edit/{others.pk}/").status_code == 404
    form = client.get("/admin/legalaid_windows/new/").context["form"]
    assert list(form.fields["volunteer"].queryset) == [la.v1]


def test_campaign_created_in_admin_adds_slots(client, la):
    grant_permissions()
    client.force_login(la.union_admin)
    start = dt.date.today() + dt.timedelta(days=3)
    response = client.post(
        "/admin/legalaid_campaigns/new/",
        {
            "union": la.union.pk,
            "title": "法律服务月",
            "stations": [la.other_station.pk],
            "starts_on": start.isoformat(),
            "ends_on": (start + dt.timedelta(days=1)).isoformat(),
            "daily_start": "18:00",
            "daily_end": "19:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert la.v2.slots.filter(station=la.other_station, source="campaign").count() == 2


def test_dashboard_panel_shows_satisfaction_chart(client, la, booked):
    Feedback.objects.create(booking=booked, rating=5)
    client.force_login(la.union_admin)
    html = client.get("/admin/").content.decode()
    assert "legalaid-chart" in html
    assert la.v1.display_name in html
    client.force_login(la.v1.user)
    assert "legalaid-chart" not in client.get("/admin/").content.decode()


def test_window_form_explains_missing_station(client, la):
    grant_permissions()
    client.force_login(la.v1.user)
    response = client.post(
        "/admin/legalaid_windows/new/",
        {
            "volunteer": la.v1.pk,
            "weekday": 2,
            "start_time": "19:00",
            "end_time": "21:00",
            "channel": "in_person",
            "station": "",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert not AvailabilityWindow.objects.filter(volunteer=la.v1, start_time="19:00").exists()
    errors = str(response.context["form"].errors)
    assert "station" in errors.lower() or "服务站" in errors
