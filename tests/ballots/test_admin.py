"""Staff manage ballots in the Wagtail admin, scoped to the unions they run."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.ballots import services
from unionhome.ballots.models import Ballot

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/ballots/ballot/"


def refused(response) -> bool:
    """Wagtail answers PermissionDenied with a redirect to the dashboard (or a 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def test_union_staff_see_only_their_unions_ballots(client, core, make_ballot):
    mine = make_ballot(title="Industry motion")
    other = make_ballot(title="Regional motion", union=core["regional"])
    client.force_login(core["union_admin"])
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.title in html and other.title not in html
    assert refused(client.get(f"{LIST}edit/{other.pk}/"))
    assert client.get(f"{LIST}edit/{mine.pk}/").status_code == 200


def test_members_cannot_use_the_admin(client, core, make_ballot):
    make_ballot()
    client.force_login(core["riders"][0])
    response = client.get(LIST)
    assert response.status_code in (302, 403)
    assert "Motion" not in response.content.decode()


def form_data(union, *, kind="single_choice", options=("A", "B"), **extra):
    now = timezone.localtime()
    data = {
        "union": union.pk,
        "title": "Choose a rest-station site",
        "description": '{"blocks": [], "entityMap": {}}',
        "kind": kind,
        "rule": "simple_majority",
        "electorate": "members",
        "max_choices": 1,
        "seats": 1,
        "opens_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
        "source_label": "",
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": 0,
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
    }
    for index, label in enumerate(options):
        data[f"options-{index}-label"] = label
        data[f"options-{index}-ORDER"] = index + 1
        data[f"options-{index}-id"] = ""
        data[f"options-{index}-DELETE"] = ""
    data.update(extra)
    return data


def test_staff_create_a_ballot_for_their_union_only(client, core):
    client.force_login(core["union_admin"])
    response = client.post(f"{LIST}add/", form_data(core["union"]))
    assert response.status_code == 302, response.content.decode()[:3000]
    ballot = Ballot.objects.get(title="Choose a rest-station site")
    assert ballot.created_by == core["union_admin"]
    assert list(ballot.options.values_list("label", flat=True)) == ["A", "B"]
    other = client.post(f"{LIST}add/", form_data(core["regional"], title="Elsewhere"))
    assert other.status_code == 200
    assert not Ballot.objects.filter(union=core["regional"]).exists()


def test_yes_no_ballot_from_admin_gets_standard_options(client, core):
    client.force_login(core["union_admin"])
    response = client.post(f"{LIST}add/", form_data(core["union"], kind="yes_no", options=()))
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert sorted(ballot.options.values_list("meaning", flat=True)) == ["abstain", "no", "yes"]


def test_open_ballot_options_cannot_be_edited_in_admin(client, core, make_ballot):
    ballot = make_ballot(kind="single_choice", options=["A", "B"])
    services.ballot_open(ballot=ballot)
    client.force_login(core["union_admin"])
    data = form_data(core["union"], options=())
    data.update(
        {
            "title": ballot.title,
            "opens_at": timezone.localtime(ballot.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes_at": timezone.localtime(ballot.closes_at).strftime("%Y-%m-%d %H:%M"),
            "options-TOTAL_FORMS": 3,
            "options-INITIAL_FORMS": 2,
        }
    )
    for index, option in enumerate(ballot.options.all()):
        data[f"options-{index}-id"] = option.pk
        data[f"options-{index}-label"] = option.label
        data[f"options-{index}-ORDER"] = index + 1
        data[f"options-{index}-DELETE"] = ""
    data.update({"options-2-id": "", "options-2-label": "C", "options-2-ORDER": 3})
    response = client.post(f"{LIST}edit/{ballot.pk}/", data)
    assert response.status_code == 200
    assert ballot.options.count() == 2
    # Deleting an opened ballot is refused as well.
    assert refused(client.get(f"{LIST}delete/{ballot.pk}/"))


def test_admin_search_filter_and_congress_list_are_scoped(client, core, make_ballot):
    from unionhome.ballots import services

    make_ballot(title="Industry motion")
    make_ballot(title="Regional motion", union=core["regional"])
    services.congress_representative_add(union=core["union"], user=core["riders"][0])
    services.congress_representative_add(union=core["regional"], user=core["riders"][1])
    client.force_login(core["union_admin"])
    found = client.get(LIST, {"q": "motion"})
    assert found.status_code == 200
    html = found.content.decode()
    assert "Industry motion" in html and "Regional motion" not in html
    congress = client.get("/admin/snippets/ballots/congressrepresentative/")
    assert congress.status_code == 200
    text = congress.content.decode()
    assert "rider1" in text and "rider2" not in text
    add = client.get(f"{LIST}add/")
    assert add.status_code == 200
    assert core["regional"].name not in add.content.decode()
