"""A member's home is a to-do list (ballots to vote in, pending applications, the card) and
never asks a member to join; signed-in people get the bottom tab bar."""

import pytest

from tests.ballots.conftest import core, make_ballot, now  # noqa: F401 - shared fixtures
from tests.membership.helpers import new_user
from unionhome.membership.home import member_todo

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(core):  # noqa: F811
    """The demo site's home pages on top of the core demo."""
    from cms import demo as cms_demo

    cms_demo.seed(core)
    return core


def test_todo_lists_open_ballots_until_voted(core, make_ballot):  # noqa: F811
    from unionhome.ballots import services

    rider = core["riders"][0]
    ballot = make_ballot(title="2026年集体合同草案表决")
    todo = member_todo(user=rider)
    assert todo.is_member and [row.ballot.pk for row in todo.to_vote] == [ballot.pk]
    assert todo.count == 1
    services.ballot_cast(
        ballot=ballot, user=rider, option_ids=[ballot.options.get(meaning="yes").pk]
    )
    assert member_todo(user=rider).to_vote == []


def test_member_home_shows_todo_and_card_not_join(client, core, home, make_ballot):  # noqa: F811
    make_ballot(title="2026年集体合同草案表决")
    client.force_login(core["riders"][0])
    body = client.get("/").content.decode()
    assert "2026年集体合同草案表决" in body and "有 1 件事等您处理。" in body
    assert "我的会员卡" in body and "entry-join" not in body
    assert 'class="tab-bar"' in body
    body = client.get("/en/").content.decode()
    assert "1 thing is waiting for you." in body and "Join the union" not in body


def test_non_member_is_asked_to_join_and_anonymous_has_no_tab_bar(client, home):
    client.force_login(new_user())
    body = client.get("/").content.decode()
    assert "entry-join" in body and "我的会员卡" not in body
    assert "目前没有需要您处理的事项。" in body
    client.logout()
    body = client.get("/").content.decode()
    assert 'class="tab-bar"' not in body and "todo-heading" not in body
