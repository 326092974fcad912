"""Demo content for seed_demo (idempotent): an open yes/no ballot the riders can vote in and
a closed election with its results."""

import datetime as dt

from django.utils import timezone

from unionhome.ballots import services
from unionhome.ballots.models import Ballot

OPEN_TITLE = "是否同意将高温和恶劣天气补贴列入本轮集体协商议题"
OPEN_DESCRIPTION = (
    "<p>行业工会拟与平台企业就<b>高温和恶劣天气补贴</b>开展集体协商。"
    "请全体会员表决是否同意将其列入本轮协商议题。</p>"
    "<p>表决结果以会员过半数同意为准；投票不记名，提交后不能修改。</p>"
)
OPEN_TITLE_EN = "Put a heat and bad-weather allowance on this round's bargaining agenda?"
OPEN_DESCRIPTION_EN = (
    "<p>The industry union plans to bargain with the platform companies over a "
    "<b>heat and bad-weather allowance</b>. All members vote on whether to put it on the "
    "agenda of this round.</p>"
    "<p>It passes with more than half of the members voting in favour; the vote is secret "
    "and cannot be changed once submitted.</p>"
)
ELECTION_TITLE = "2026 年度行业工会委员会委员补选（3 名）"
ELECTION_TITLE_EN = "2026 by-election to the industry union committee (3 seats)"
# Candidates' names with their English (pinyin) forms.
CANDIDATES = [
    ("李秀英", "Li Xiuying"),
    ("王建国", "Wang Jianguo"),
    ("赵敏", "Zhao Min"),
    ("孙立", "Sun Li"),
]
# Which candidates each rider marked (indexes into CANDIDATES).
ELECTION_PAPERS = [(0, 1, 2), (0, 1, 3), (0, 2, 3), (0, 1), (1, 2)]


def seed(ctx: dict) -> None:
    """Add this app's demo content. ``ctx`` carries what earlier seeders made (users, union)."""
    union = ctx["union"]
    now = timezone.now()
    open_ballot = Ballot.objects.filter(union=union, title=OPEN_TITLE).first()
    if open_ballot is None:
        open_ballot = services.ballot_create(
            union=union,
            title=OPEN_TITLE,
            title_en=OPEN_TITLE_EN,
            kind="yes_no",
            rule="simple_majority",
            description_html=OPEN_DESCRIPTION,
            description_en_html=OPEN_DESCRIPTION_EN,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=7),
            created_by=ctx.get("union_admin"),
        )
    election = Ballot.objects.filter(union=union, title=ELECTION_TITLE).first()
    if election is None:
        opens_at = now - dt.timedelta(days=10)
        election = services.ballot_create(
            union=union,
            title=ELECTION_TITLE,
            title_en=ELECTION_TITLE_EN,
            kind="election",
            rule="simple_majority",
            seats=3,
            options=CANDIDATES,
            description_html="<p>候选人得票超过投票人数的半数方可当选，按得票多少确定当选人。</p>",
            description_en_html=(
                "<p>A candidate needs the votes of more than half of those who voted; the "
                "elected are those with the most votes.</p>"
            ),
            opens_at=opens_at,
            closes_at=now - dt.timedelta(days=3),
            created_by=ctx.get("union_admin"),
        )
        voting_time = opens_at + dt.timedelta(hours=2)
        services.ballot_open(ballot=election, now=opens_at)
        option_ids = list(election.options.values_list("id", flat=True))
        for rider, marks in zip(ctx["riders"], ELECTION_PAPERS, strict=False):
            services.ballot_cast(
                ballot=election,
                user=rider,
                option_ids=[option_ids[i] for i in marks],
                now=voting_time,
            )
    ctx["ballot_open"] = open_ballot
    ctx["ballot_closed"] = election
