"""What a voter reads: the collective-contract rule's two thresholds drawn as lines against
ALL eligible voters (inclusive, CCP art. 36), elections as "elected N" with names, the turnout
so far while a ballot is open (a count only), and a receipt page that says when results come."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from tests.ballots.conftest import close, option_id
from unionhome.ballots import counting, selectors, services
from unionhome.ballots.charts import threshold_chart_svg

pytestmark = pytest.mark.django_db


def test_threshold_lines_are_drawn_against_all_eligible():
    svg = threshold_chart_svg(
        [("Took part", 4, 4, "2/3: 4"), ("Approve", 3, 3, "1/2: 3")], base=6, title="t"
    )
    # Lines at 4/6 and 3/6 of the bar width (352): exactly reaching a line is enough (green).
    assert 'x1="235"' in svg and 'x1="176"' in svg
    assert svg.count('fill="#1b5e20"') == 2
    short = threshold_chart_svg([("Took part", 3, 4, "2/3: 4")], base=6, title="t")
    assert 'fill="#8a4b00"' in short and 'fill="#1b5e20"' not in short


def test_contract_rule_thresholds_come_from_the_verdict():
    # 6 eligible: 4 take part (exactly two thirds) and 3 approve (exactly half): both lines met.
    verdict = counting.judge(counting.COLLECTIVE_CONTRACT, eligible=6, cast=4, approve=3)
    outcome = counting.Outcome(
        kind=counting.YES_NO,
        rule=counting.COLLECTIVE_CONTRACT,
        eligible=6,
        cast=4,
        counts={},
        passed=verdict.passed,
        verdict=verdict,
    )
    with translation.override("zh-hans"):
        svg = selectors.ballot_threshold_svg(results=SimpleNamespace(outcome=outcome))
    assert verdict.passed and svg.count('class="threshold"') == 2
    assert "三分之二：4" in svg and "全体半数：3" in svg
    assert svg.count('fill="#1b5e20"') == 2
    simple = counting.judge(counting.SIMPLE_MAJORITY, eligible=6, cast=4, approve=3)
    other = SimpleNamespace(outcome=SimpleNamespace(rule=counting.SIMPLE_MAJORITY, verdict=simple))
    assert selectors.ballot_threshold_svg(results=other) == ""


def test_election_says_how_many_were_elected_and_who(client, core, make_ballot):
    ballot = make_ballot(kind="election", seats=2, options=["李秀英", "王建国", "赵敏"])
    for rider in core["riders"][:3]:
        services.ballot_cast(
            ballot=ballot,
            user=rider,
            option_ids=[o.pk for o in ballot.options.filter(label__in=["李秀英", "王建国"])],
        )
    close(ballot)
    client.force_login(core["riders"][0])
    body = client.get(f"/ballots/{ballot.pk}/results/").content.decode()
    assert "当选 2 人" in body
    assert '<p class="elected-names"><strong>李秀英</strong>、<strong>王建国</strong></p>' in body


def test_open_ballot_shows_turnout_count_and_receipt_says_when(client, core, make_ballot):
    ballot = make_ballot()
    rider = core["riders"][0]
    services.ballot_cast(
        ballot=ballot, user=core["riders"][1], option_ids=[option_id(ballot, "no")]
    )
    client.force_login(rider)
    body = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert '<dd class="turnout-so-far">1</dd>' in body
    # A count only: no option's tally is shown while open.
    assert selectors.ballot_turnout(ballot=ballot) == 1 and "votes-" not in body
    services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, "yes")])
    body = client.get(f"/ballots/{ballot.pk}/receipt/").content.decode()
    assert "表决结束时公布结果和全部回执" in body and "复制回执码" in body
