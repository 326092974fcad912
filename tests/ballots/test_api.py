"""The "Ballots" part of the API contract."""

import json

import pytest

from tests.ballots.conftest import close, option_id
from unionhome.ballots import services

pytestmark = pytest.mark.django_db


def vote(client, ballot, option_ids):
    return client.post(
        f"/api/v1/ballots/{ballot.pk}/vote",
        data=json.dumps({"option_ids": option_ids}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_list_and_detail_for_a_member(client, core, make_ballot):
    ballot = make_ballot(title="Motion A")
    client.force_login(core["riders"][0])
    listed = client.get("/api/v1/ballots")
    assert listed.status_code == 200
    assert [b["id"] for b in listed.json()] == [ballot.pk]
    detail = client.get(f"/api/v1/ballots/{ballot.pk}").json()
    for key in (
        "id",
        "title",
        "kind",
        "options",
        "opens_at",
        "closes_at",
        "status",
        "eligible_count",
    ):
        assert key in detail
    assert detail["status"] == "open" and detail["kind"] == "yes_no"
    assert detail["eligible_count"] == 5
    assert [o["id"] for o in detail["options"]] == list(ballot.options.values_list("id", flat=True))
    assert detail["voted"] is False and detail["eligible"] is True


def test_vote_201_then_409(client, core, make_ballot):
    ballot = make_ballot()
    client.force_login(core["riders"][0])
    first = vote(client, ballot, [option_id(ballot, "yes")])
    assert first.status_code == 201
    receipt = first.json()["receipt"]
    assert len(receipt) == 19
    again = vote(client, ballot, [option_id(ballot, "no")])
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    detail = client.get(f"/api/v1/ballots/{ballot.pk}").json()
    assert detail["voted"] is True and detail["receipt"] == receipt


def test_vote_not_eligible_403(client, core, make_ballot):
    ballot = make_ballot()
    client.force_login(core["platform_side"][0])
    response = vote(client, ballot, [option_id(ballot, "yes")])
    assert response.status_code == 403 and response.json()["code"] == "not_eligible"
    assert client.get(f"/api/v1/ballots/{ballot.pk}").status_code == 404
    assert client.get("/api/v1/ballots").json() == []


def test_vote_closed_409_and_invalid_options_422(client, core, make_ballot):
    ballot = make_ballot()
    other = make_ballot(title="Other")
    client.force_login(core["riders"][0])
    wrong = vote(client, ballot, [option_id(other, "yes")])
    assert wrong.status_code == 422 and wrong.json()["code"] == "option_not_in_ballot"
    too_many = vote(client, ballot, [option_id(ballot, "yes"), option_id(ballot, "no")])
    assert too_many.status_code == 422 and too_many.json()["code"] == "too_many_options"
    malformed = client.post(
        f"/api/v1/ballots/{ballot.pk}/vote", data="{}", content_type="application/json"
    )
    assert malformed.status_code == 422
    close(ballot)
    closed = vote(client, ballot, [option_id(ballot, "yes")])
    assert closed.status_code == 409 and closed.json()["code"] == "ballot_closed"


def test_anonymous_gets_401(client, make_ballot):
    ballot = make_ballot()
    assert client.get("/api/v1/ballots").status_code == 401
    assert vote(client, ballot, [option_id(ballot, "yes")]).status_code == 401


def test_results_and_receipts_after_close(client, core, make_ballot):
    for rider in core["riders"]:
        services.congress_representative_add(union=core["union"], user=rider)
    ballot = make_ballot(rule="collective_contract", electorate="congress")
    receipts = []
    for rider, meaning in zip(core["riders"], ["yes", "yes", "yes", "no"], strict=False):
        client.force_login(rider)
        receipts.append(vote(client, ballot, [option_id(ballot, meaning)]).json()["receipt"])
    client.force_login(core["riders"][4])
    early = client.get(f"/api/v1/ballots/{ballot.pk}/results")
    assert early.status_code == 403 and early.json()["code"] == "results_not_published"
    assert client.get(f"/api/v1/ballots/{ballot.pk}/receipts").status_code == 403
    close(ballot)
    results = client.get(f"/api/v1/ballots/{ballot.pk}/results").json()
    yes, no = option_id(ballot, "yes"), option_id(ballot, "no")
    assert results["counts"] == {str(yes): 3, str(no): 1, str(option_id(ballot, "abstain")): 0}
    assert (results["turnout"], results["eligible_count"]) == (4, 5)
    assert results["passed"] is True and results["rule"] == "collective_contract"
    published = client.get(f"/api/v1/ballots/{ballot.pk}/receipts").json()
    assert published == sorted(receipts)
    assert len(published) == sum(results["counts"].values())


def test_staff_before_close_see_turnout_only_and_who_voted(client, core, make_ballot):
    ballot = make_ballot()
    client.force_login(core["riders"][0])
    vote(client, ballot, [option_id(ballot, "no")])
    client.force_login(core["union_admin"])
    results = client.get(f"/api/v1/ballots/{ballot.pk}/results").json()
    assert results["turnout"] == 1 and results["counts"] is None and results["passed"] is None
    voters = client.get(f"/api/v1/ballots/{ballot.pk}/voters").json()
    assert [v["username"] for v in voters] == ["rider1"]
    assert all(set(v) == {"id", "username", "name"} for v in voters)
    client.force_login(core["riders"][1])
    assert client.get(f"/api/v1/ballots/{ballot.pk}/voters").status_code == 403


def test_session_token_client_can_vote(client, core, make_ballot):
    ballot = make_ballot()
    login = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"username": "rider2", "password": core["password"]}),
        content_type="application/json",
    )
    token = login.json()["meta"]["session_token"]
    client.cookies.clear()
    response = client.post(
        f"/api/v1/ballots/{ballot.pk}/vote",
        data=json.dumps({"option_ids": [option_id(ballot, "abstain")]}),
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert response.status_code == 201
