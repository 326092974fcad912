"""Ballots in English: the English title, description and option labels on /en/ pages, the
Chinese ones (marked "(in Chinese)") where none was entered, and both in the API."""

import pytest

from tests.ballots.conftest import close
from unionhome.ballots import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(make_ballot):
    return make_ballot(
        title="骑手代表选举",
        title_en="Election of rider representatives",
        description_html="<p>选出两名代表。</p>",
        description_en_html="<p>Choose two representatives.</p>",
        kind="election",
        seats=2,
        options=[("更公平的派单", "Fairer dispatch"), ("张伟", ""), ("李娜", "Li Na")],
    )


def test_english_pages_show_the_english_forms(client, core, election):
    client.force_login(core["riders"][0])
    html = client.get(f"/en/ballots/{election.pk}/").content.decode()
    assert "Election of rider representatives" in html and "骑手代表选举" not in html
    assert "Choose two representatives." in html and "选出两名代表" not in html
    assert "Fairer dispatch" in html and "Li Na" in html
    assert "更公平的派单" not in html and "李娜" not in html
    # No English label given: the Chinese one, said to be Chinese.
    assert '<span lang="zh-Hans">张伟</span> <small class="muted in-chinese">(in Chinese)' in html
    listed = client.get("/en/ballots/").content.decode()
    assert "Election of rider representatives" in listed


def test_chinese_pages_keep_the_chinese_forms(client, core, election):
    client.force_login(core["riders"][0])
    html = client.get(f"/ballots/{election.pk}/").content.decode()
    assert "骑手代表选举" in html and "选出两名代表" in html and "李娜" in html
    assert "Election of rider representatives" not in html and "Li Na" not in html


def test_without_english_forms_the_english_page_marks_the_chinese(client, core, make_ballot):
    ballot = make_ballot(title="关于调整配送费的表决", description_html="<p>请投票。</p>")
    client.force_login(core["riders"][0])
    html = client.get(f"/en/ballots/{ballot.pk}/").content.decode()
    assert '<span lang="zh-Hans">关于调整配送费的表决</span>' in html
    assert '<p class="muted in-chinese">(in Chinese)</p><div lang="zh-Hans"><p>请投票。</p>' in html


def test_english_results_name_the_options_in_english(client, core, election):
    chosen = [election.options.get(label="李娜").pk, election.options.get(label="张伟").pk]
    services.ballot_cast(ballot=election, user=core["riders"][0], option_ids=chosen)
    close(election)
    client.force_login(core["riders"][0])
    html = client.get(f"/en/ballots/{election.pk}/results/").content.decode()
    assert "Election of rider representatives" in html
    assert "Li Na" in html and "李娜" not in html


def test_the_api_gives_the_english_forms(client, core, election):
    client.force_login(core["riders"][0])
    detail = client.get(f"/api/v1/ballots/{election.pk}").json()
    assert detail["title"] == "骑手代表选举"
    assert detail["title_en"] == "Election of rider representatives"
    assert detail["description_en_html"] == "<p>Choose two representatives.</p>"
    assert [o["label_en"] for o in detail["options"]] == ["Fairer dispatch", "", "Li Na"]
    assert [o["label"] for o in detail["options"]] == ["更公平的派单", "张伟", "李娜"]


def test_an_open_ballot_still_takes_an_english_title(core, election):
    updated = services.ballot_update(
        ballot=election, data={"title_en": "Rider representatives 2026"}
    )
    assert updated.title_en == "Rider representatives 2026"
