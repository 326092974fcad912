"""Staff manage ballots in the Wagtail admin, scoped to the unions they run."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.ballots import services
from unionhome.ballots.models import Ballot

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/ballots/ballot/"


def refused(response) -> bool:
    """Wagtail answers PermissionDenied with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_union_staff_see_only_their_unions_ballots(client, core, make_ballot):
    mine = make_ballot(title="Industry motion")
    other = make_ballot(title="Regional motion", union=core["regional"])
    client.force_login(core["union_admin"])
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.title in html and other.title not in html
    # Another union's ballot is not visible at all (the shared admin scope).
    assert client.get(f"{LIST}edit/{other.pk}/").status_code == 404
    assert client.get(f"{LIST}edit/{mine.pk}/").status_code == 200


def test_members_cannot_use_the_admin(client, core, make_ballot):
    make_ballot()
    client.force_login(core["riders"][0])
    response = client.get(LIST)
    assert response.status_code == 302
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


def edit_data(ballot, **changes):
    """The edit form as the admin posts it, with the ballot's options as they stand."""
    data = form_data(ballot.union, kind=ballot.kind, options=())
    data.update(
        {
            "title": ballot.title,
            "opens_at": timezone.localtime(ballot.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes_at": timezone.localtime(ballot.closes_at).strftime("%Y-%m-%d %H:%M"),
        }
    )
    options = list(ballot.options.all())
    data.update({"options-TOTAL_FORMS": len(options), "options-INITIAL_FORMS": len(options)})
    for index, option in enumerate(options):
        data[f"options-{index}-id"] = option.pk
        data[f"options-{index}-label"] = option.label
        data[f"options-{index}-ORDER"] = index + 1
        data[f"options-{index}-DELETE"] = ""
    data.update(changes)
    return data


def test_admin_edit_goes_through_the_service_and_is_logged(client, core, make_ballot, now):
    from wagtail.models import ModelLogEntry

    ballot = make_ballot(
        kind="single_choice",
        options=["A", "B"],
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
    )
    client.force_login(core["union_admin"])
    data = edit_data(ballot, title="Renamed motion")
    data.update({"options-TOTAL_FORMS": 3, "options-2-id": "", "options-2-label": "C"})
    data.update({"options-2-ORDER": 3, "options-2-DELETE": ""})
    response = client.post(f"{LIST}edit/{ballot.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ballot.refresh_from_db()
    assert ballot.title == "Renamed motion"
    assert list(ballot.options.values_list("label", flat=True)) == ["A", "B", "C"]
    entry = ModelLogEntry.objects.get(object_id=str(ballot.pk), action="wagtail.edit")
    assert entry.user == core["union_admin"]


def test_admin_edit_refused_by_the_service_shows_its_code(client, core, make_ballot, now):
    ballot = make_ballot(
        kind="single_choice",
        options=["A", "B"],
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
    )
    client.force_login(core["union_admin"])
    # Deleting one of two options leaves too few: only the service knows that rule.
    data = edit_data(ballot, title="Renamed")
    data["options-1-DELETE"] = "on"
    response = client.post(f"{LIST}edit/{ballot.pk}/", data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == [services.TOO_FEW_OPTIONS]
    ballot.refresh_from_db()
    assert ballot.title == "Motion"
    assert list(ballot.options.values_list("label", flat=True)) == ["A", "B"]


def test_an_opened_ballot_keeps_its_paper_but_takes_a_new_title(client, core, make_ballot):
    ballot = make_ballot(kind="single_choice", options=["A", "B"])
    services.ballot_open(ballot=ballot)
    client.force_login(core["union_admin"])
    response = client.post(f"{LIST}edit/{ballot.pk}/", edit_data(ballot, title="Clearer title"))
    assert response.status_code == 302, response.content.decode()[:3000]
    ballot.refresh_from_db()
    assert ballot.title == "Clearer title"
    assert ballot.options.count() == 2


def test_a_scheduled_ballot_takes_new_times_from_the_admin(client, core, make_ballot, now):
    ballot = make_ballot(
        kind="single_choice",
        options=["A", "B"],
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
    )
    later = timezone.localtime(now + dt.timedelta(days=5)).replace(second=0, microsecond=0)
    client.force_login(core["union_admin"])
    data = edit_data(ballot, closes_at=later.strftime("%Y-%m-%d %H:%M"))
    response = client.post(f"{LIST}edit/{ballot.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ballot.refresh_from_db()
    assert ballot.closes_at == later
