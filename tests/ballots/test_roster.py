"""Ratification electorates (Collective Contract Provisions art. 36): the congress or ALL the
workers a contract covers (an imported roster, members or not), never the members alone.
Covered workers without an account vote with a one-time code sent by SMS."""

import datetime as dt
import re

import pytest

from tests.ballots.conftest import close, option_id
from unionhome.ballots import roster, selectors, services
from unionhome.ballots.models import BallotElector, BallotParticipation, RosterVoter, VoterRoster
from unionhome.core import sms
from unionhome.core.errors import DomainError
from unionhome.core.idcard import make_id_number

HEADER = "full_name,phone,id_number,worker_type\n"


def roster_csv(rows) -> bytes:
    lines = [HEADER] + [
        f"{name},{phone},{id_number},{kind}\n" for name, phone, id_number, kind in rows
    ]
    return "".join(lines).encode()


def outsiders(count, start=0):
    """Covered workers with no account and no membership."""
    return [
        (
            f"外卖员{n}",
            f"1370000{n:04d}",
            make_id_number("310115", dt.date(1990, 1, 1), 100 + n),
            "written_agreement",
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def covered(core):
    """Two members with accounts (rider1, rider2) and three workers with neither."""
    members = [
        (
            "张伟",
            "13800138001",
            make_id_number("310115", dt.date(1991, 2, 3), 11),
            "labour_contract",
        ),
        ("王芳", "13800138002", make_id_number("310115", dt.date(1992, 2, 3), 12), "independent"),
    ]
    return roster.roster_import(
        union=core["union"],
        title="示范即送 covered workers",
        data=roster_csv(members + outsiders(3)),
        filename="roster.csv",
        by=core["union_admin"],
    )


def ratification(core, now, **kwargs):
    return services.ballot_create_ratification(
        union=core["union"],
        title="Ratify",
        description_html="",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
        source_label="",
        **kwargs,
    )


def test_import_checks_ids_and_encrypts_them(core, covered):
    assert covered.voters.count() == 5
    worker = RosterVoter.objects.get(roster=covered, phone="+8613800138001")
    assert worker.user == core["riders"][0]  # matched to the account by phone
    assert RosterVoter.objects.filter(roster=covered, user__isnull=True).count() == 3
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM ballots_rostervoter WHERE id = %s", [worker.pk])
        stored = cursor.fetchone()[0]
    assert worker.id_number not in stored and len(worker.id_number) == 18


def test_import_is_all_or_nothing(core):
    bad = outsiders(2) + [("坏号码", "13700009999", "310115199001011234", "independent")]
    with pytest.raises(DomainError) as error:
        roster.roster_import(
            union=core["union"],
            title="x",
            data=roster_csv(bad),
            filename="r.csv",
            by=core["union_admin"],
        )
    assert error.value.code == "invalid_roster" and "4" in error.value.detail
    with pytest.raises(DomainError) as error:
        roster.roster_import(
            union=core["union"],
            title="x",
            data=roster_csv(outsiders(3)),
            filename="r.csv",
            by=core["riders"][0],
        )
    assert error.value.status == 403
    assert not RosterVoter.objects.exists()


def test_members_only_ratification_is_impossible(core, now):
    """The service refuses a collective-contract ballot of the union's members (art. 36).
    Shown able to fail: with the electorate guard in ballots.services.ballot_create disabled,
    the ballot was created ("DID NOT RAISE DomainError") and the test went red; restored."""
    for electorate in ("members", "members_subunions", ""):
        with pytest.raises(DomainError) as error:
            ratification(core, now, electorate=electorate)
        assert error.value.code in ("members_only_ratification", "invalid")
    with pytest.raises(DomainError) as error:
        services.ballot_create(
            union=core["union"],
            title="Ratify",
            kind="yes_no",
            rule="collective_contract",
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
        )
    assert error.value.code == "members_only_ratification"
    with pytest.raises(DomainError) as error:
        ratification(core, now, electorate="covered_workers")  # no roster
    assert error.value.code == "roster_required"


def test_the_electorate_is_the_covered_workers_roster(core, now, covered):
    """Every covered worker may vote, members or not, with or without an account; union
    members who are not covered may not. Shown able to fail: with the roster branch of
    ballot_open disabled (only accounts frozen), eligible_count was 2 instead of 5 and the
    test went red; the branch was then restored."""
    ballot = ratification(core, now, electorate="covered_workers", roster=covered)
    services.ballot_open(ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.eligible_count == 5
    electors = BallotElector.objects.filter(ballot=ballot)
    assert set(electors.values_list("voter__phone", flat=True)) == set(
        covered.voters.values_list("phone", flat=True)
    )
    assert electors.filter(user__isnull=True).count() == 3
    # rider3 is an active member of the union but not covered: not eligible.
    with pytest.raises(DomainError) as error:
        services.ballot_cast(
            ballot=ballot, user=core["riders"][2], option_ids=[option_id(ballot, "yes")]
        )
    assert error.value.status == 403
    assert selectors.ballot_is_eligible(ballot=ballot, user=core["riders"][0])


def test_the_electorate_of_a_congress_ballot_is_the_delegate_list(core, now):
    services.congress_representative_add(union=core["union"], user=core["riders"][3])
    services.congress_representative_add(union=core["union"], user=core["volunteers"][0])
    ballot = ratification(core, now, electorate="congress")
    services.ballot_open(ballot=ballot)
    assert set(BallotElector.objects.filter(ballot=ballot).values_list("user", flat=True)) == {
        core["riders"][3].pk,
        core["volunteers"][0].pk,
    }


def code_sent_to(phone):
    for target, message in reversed(sms.outbox):
        if target == phone:
            return re.search(r"\b(\d{6})\b", message).group(1)
    return None


def test_a_worker_without_an_account_votes_with_an_sms_code(
    core, now, covered, django_capture_on_commit_callbacks
):
    ballot = ratification(core, now, electorate="covered_workers", roster=covered)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        roster.ballot_send_code(ballot=ballot, phone="13700000000")
        roster.ballot_send_code(ballot=ballot, phone="13911112222")  # not on the roster
    # (The first request also opened the ballot: every elector got the opening notice.)
    codes = [p for p, m in sms.outbox if re.search(r"\b\d{6}\b", m)]
    assert codes == ["+8613700000000"]
    code = code_sent_to("+8613700000000")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(DomainError) as error:
        roster.ballot_cast_with_code(
            ballot=ballot, phone="13700000000", code=wrong, option_ids=[option_id(ballot, "yes")]
        )
    assert error.value.code == "invalid_code"
    receipt = roster.ballot_cast_with_code(
        ballot=ballot, phone="13700000000", code=code, option_ids=[option_id(ballot, "yes")]
    )
    assert receipt in selectors.ballot_receipts(ballot=close(ballot), user=core["union_admin"])
    participation = BallotParticipation.objects.get(receipt=receipt)
    assert participation.user is None and participation.voter.phone == "+8613700000000"


def test_code_is_single_use_and_account_plus_code_is_one_vote(
    core, now, covered, django_capture_on_commit_callbacks
):
    ballot = ratification(core, now, electorate="covered_workers", roster=covered)
    yes = option_id(ballot, "yes")
    with django_capture_on_commit_callbacks(execute=True):
        roster.ballot_send_code(ballot=ballot, phone="13700000001")
    code = code_sent_to("+8613700000001")
    roster.ballot_cast_with_code(ballot=ballot, phone="13700000001", code=code, option_ids=[yes])
    with pytest.raises(DomainError) as error:
        roster.ballot_cast_with_code(
            ballot=ballot, phone="13700000001", code=code, option_ids=[yes]
        )
    assert error.value.code == "invalid_code"
    # rider1 is covered and has an account: voting with it, then by code, is one vote.
    services.ballot_cast(ballot=ballot, user=core["riders"][0], option_ids=[yes])
    with django_capture_on_commit_callbacks(execute=True):
        roster.ballot_send_code(ballot=ballot, phone="13800138001")
    code = code_sent_to("+8613800138001")
    with pytest.raises(DomainError) as error:
        roster.ballot_cast_with_code(
            ballot=ballot, phone="13800138001", code=code, option_ids=[yes]
        )
    assert error.value.code == "already_voted"
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 2


def test_counting_a_covered_workers_ballot_at_the_boundaries(core, now, covered):
    """5 covered workers: 4 attend (>= 2/3 of 5 is 3.33), 3 approve (>= half of 5 is 2.5)."""
    ballot = ratification(core, now, electorate="covered_workers", roster=covered)
    services.ballot_open(ballot=ballot)
    electors = list(BallotElector.objects.filter(ballot=ballot).order_by("voter_id"))
    for elector, meaning in zip(electors[:4], ["yes", "yes", "yes", "no"], strict=True):
        services.record_vote(
            ballot=ballot, elector=elector, option_ids=[option_id(ballot, meaning)]
        )
    close(ballot)
    assert selectors.ballot_result_passed(ballot=ballot) is True


def test_the_code_page_lets_a_worker_without_an_account_vote(
    client, core, now, covered, django_capture_on_commit_callbacks
):
    ballot = ratification(core, now, electorate="covered_workers", roster=covered)
    # Chinese pages (an /en/ request would leave English active for the tests that follow).
    url = f"/ballots/{ballot.pk}/code/"
    assert "发送验证码" in client.get(url).content.decode()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"step": "send", "phone": "13700000002"}).content.decode()
    assert "验证码已发送" in page
    # The opening notice went to the roster-only workers with the code page's address.
    assert any(f"/ballots/{ballot.pk}/code/" in m for p, m in sms.outbox if p == "+8613700000001")
    code = code_sent_to("+8613700000002")
    page = client.post(
        url,
        {
            "step": "vote",
            "phone": "13700000002",
            "code": code,
            "option_ids": [option_id(ballot, "no")],
        },
    ).content.decode()
    assert 'id="receipt"' in page
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    # A members' ballot has no code page.
    members = services.ballot_create(
        union=core["union"],
        title="M",
        kind="yes_no",
        opens_at=now,
        closes_at=now + dt.timedelta(days=1),
    )
    assert client.get(f"/ballots/{members.pk}/code/").status_code == 404


def test_staff_see_who_voted_by_code_and_members_do_not(
    core, now, covered, django_capture_on_commit_callbacks
):
    ballot = ratification(core, now, electorate="covered_workers", roster=covered)
    with django_capture_on_commit_callbacks(execute=True):
        roster.ballot_send_code(ballot=ballot, phone="13700000001")
    roster.ballot_cast_with_code(
        ballot=ballot,
        phone="13700000001",
        code=code_sent_to("+8613700000001"),
        option_ids=[option_id(ballot, "yes")],
    )
    assert selectors.ballot_code_voters(ballot=ballot, user=core["union_admin"]) == ["外卖员1"]
    with pytest.raises(DomainError) as error:
        selectors.ballot_code_voters(ballot=ballot, user=core["riders"][0])
    assert error.value.status == 403


def test_roster_and_code_voting_through_the_api(
    client, core, now, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(user):
        client.force_login(user)
        return client.post(
            "/api/v1/ballots/rosters",
            {
                "union_id": core["union"].pk,
                "title": "API roster",
                "file": SimpleUploadedFile("r.csv", roster_csv(outsiders(3, start=10))),
            },
        )

    assert upload(core["riders"][0]).status_code == 403
    response = upload(core["union_admin"])
    assert response.status_code == 201 and response.json()["voters"] == 3
    covered_roster = VoterRoster.objects.get(pk=response.json()["id"])
    ballot = ratification(core, now, electorate="covered_workers", roster=covered_roster)
    client.logout()
    detail_url = f"/api/v1/ballots/{ballot.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"{detail_url}/code", {"phone": "13700000010"}, content_type="application/json"
        )
        unknown = client.post(
            f"{detail_url}/code", {"phone": "13911110000"}, content_type="application/json"
        )
    assert sent.status_code == unknown.status_code == 202
    assert sent.json() == unknown.json()  # the roster cannot be probed
    vote = {"phone": "13700000010", "option_ids": [option_id(ballot, "yes")]}
    wrong = client.post(
        f"{detail_url}/vote-with-code", {**vote, "code": "x"}, content_type="application/json"
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "invalid_code"
    code = code_sent_to("+8613700000010")
    ok = client.post(
        f"{detail_url}/vote-with-code", {**vote, "code": code}, content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["receipt"]
    client.force_login(core["union_admin"])
    assert client.get(detail_url).json()["electorate"] == "covered_workers"
