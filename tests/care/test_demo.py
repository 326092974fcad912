"""seed_demo's care content: one registered file with aid, one waiting application, a running
winter-warmth campaign at two stations; running it twice changes nothing."""

import pytest
from django.utils import timezone

from legalaid.models import Volunteer
from unionhome.care.models import CampaignStation, FileStatus, HardshipFile, WarmthCampaign

pytestmark = pytest.mark.django_db


def test_demo_care_content_is_there_once(demo):
    from unionhome.core import demo as demo_module

    demo_module.seed_all()
    registered = HardshipFile.objects.get(status=FileStatus.REGISTERED)
    assert registered.aid.count() == 1
    assert HardshipFile.objects.filter(status=FileStatus.SUBMITTED).count() == 1
    campaign = WarmthCampaign.objects.get()
    today = timezone.localdate()
    assert campaign.kind == "winter_warmth" and campaign.starts_on <= today <= campaign.ends_on
    assert CampaignStation.objects.filter(campaign=campaign).count() == 2
    counsellors = Volunteer.objects.filter(service="counselling")
    assert counsellors.count() == 2
    assert all(c.slots.exists() for c in counsellors)
    # rider1 and rider2 are left free for the walkthroughs (apply, scan).
    assert not HardshipFile.objects.filter(member__username__in=["rider1", "rider2"]).exists()
