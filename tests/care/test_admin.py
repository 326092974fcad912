"""Care's editable data in the Wagtail admin is scoped like every other app's: staff of one
union neither see, edit nor create another union's campaigns, supplies and activities."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.membership.helpers import staff_of
from unionhome.care.models import WarmthCampaign


@pytest.fixture
def outsider(care):
    """Staff of the regional union, which does not run the demo industry union."""
    return staff_of(care.ctx["regional"])


def test_staff_of_another_union_get_404_on_its_campaign_and_supply(client, care, outsider):
    client.force_login(outsider)
    edit = reverse("care_campaigns:edit", args=[care.campaign.pk])
    supply = reverse("care_supplies:edit", args=[care.supply_a.pk])
    assert client.get(edit).status_code == 404
    assert client.get(supply).status_code == 404
    assert client.get(reverse("care_campaigns:delete", args=[care.campaign.pk])).status_code == 404
    listing = client.get(reverse("care_campaigns:index"))
    assert listing.status_code == 200
    assert care.campaign.title not in listing.content.decode()


def test_the_campaigns_own_staff_may_edit_it(client, care):
    client.force_login(care.union_admin)
    response = client.get(reverse("care_campaigns:edit", args=[care.campaign.pk]))
    assert response.status_code == 200


def test_a_campaign_cannot_be_created_for_another_union(client, care, outsider):
    client.force_login(outsider)
    today = timezone.localdate()
    response = client.post(
        reverse("care_campaigns:add"),
        {
            "union": care.union.pk,
            "kind": "winter_warmth",
            "title": "别人的活动",
            "item": "暖心包",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=3)).isoformat(),
            "limit_per_member": 1,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not WarmthCampaign.objects.filter(title="别人的活动").exists()


# The hardship levels and the regional subsistence lines are shared by every union: only
# federation staff edit them; union staff read them (docs/security.md).
SHARED = ("care_levels", "care_subsistence")


@pytest.fixture
def federation_staff(care):
    from unionhome.core import roles
    from unionhome.core.demo import ensure_user

    return ensure_user(
        "care_federation_staff",
        name="总工会干事",
        phone="13811119001",
        is_staff=True,
        groups=[roles.ensure_groups()[roles.FEDERATION_STAFF]],
    )


def _rows():
    from unionhome.care.models import HardshipLevel, SubsistenceLine

    return {
        "care_levels": HardshipLevel.objects.order_by("pk").first(),
        "care_subsistence": SubsistenceLine.objects.order_by("pk").first(),
    }


@pytest.mark.parametrize("prefix", SHARED)
def test_union_staff_read_the_shared_tables_but_cannot_change_them(client, care, prefix):
    row = _rows()[prefix]
    client.force_login(care.union_admin)
    assert client.get(reverse(f"{prefix}:index")).status_code == 200
    inspect = client.get(reverse(f"{prefix}:inspect", args=[row.pk]))
    assert inspect.status_code == 200
    if prefix == "care_levels":
        assert row.criteria in inspect.content.decode()
    # Every changing view turns them back (Wagtail's "no permission" redirect), GET or POST.
    for view, args in (
        ("add", []),
        ("edit", [row.pk]),
        ("copy", [row.pk]),
        ("delete", [row.pk]),
    ):
        url = reverse(f"{prefix}:{view}", args=args)
        assert client.get(url).status_code == 302, view
        assert client.post(url, {}).status_code == 302, view
    listing = client.get(reverse(f"{prefix}:index")).content.decode()
    assert reverse(f"{prefix}:add") not in listing
    assert reverse(f"{prefix}:edit", args=[row.pk]) not in listing


def test_union_staff_cannot_post_a_change_to_a_level(client, care):
    from unionhome.care.models import HardshipLevel

    level = HardshipLevel.objects.order_by("pk").first()
    client.force_login(care.union_admin)
    client.post(
        reverse("care_levels:edit", args=[level.pk]),
        {"name": "改掉", "name_en": "", "criteria": "任何人", "order": 1, "is_active": "on"},
    )
    level.refresh_from_db()
    assert level.name != "改掉" and level.criteria != "任何人"


def test_federation_staff_edit_the_shared_tables(client, care, federation_staff):
    from unionhome.care.models import HardshipLevel, SubsistenceLine

    client.force_login(federation_staff)
    rows = _rows()
    for prefix in SHARED:
        assert client.get(reverse(f"{prefix}:add")).status_code == 200
        assert client.get(reverse(f"{prefix}:edit", args=[rows[prefix].pk])).status_code == 200
    level = rows["care_levels"]
    response = client.post(
        reverse("care_levels:edit", args=[level.pk]),
        {"name": level.name, "name_en": "", "criteria": "新的标准", "order": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    assert HardshipLevel.objects.get(pk=level.pk).criteria == "新的标准"
    line = rows["care_subsistence"]
    response = client.post(
        reverse("care_subsistence:edit", args=[line.pk]),
        {"region": line.region, "monthly_per_person": "1600", "source": "x"},
    )
    assert response.status_code == 302
    assert str(SubsistenceLine.objects.get(pk=line.pk).monthly_per_person) == "1600.00"
