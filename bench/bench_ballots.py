"""Tallying a closed ballot of 100,000 votes (PostgreSQL).

Measured side by side in one run against a baseline: the bare SQL ``COUNT ... GROUP BY`` on
the same tables (marks per option, plus the number of papers). The design is timed twice:
``selectors.ballot_tally`` (the ORM queries) and ``selectors.ballot_results`` (tally, the
turnout, the rule's verdict and its explanation: what the results page and API answer).
Everything runs inside one transaction that is rolled back, so the database is left as it
was.

    DATABASE_URL=postgres://... python bench/bench_ballots.py [votes] [repeats]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")

BARE_SQL_MARKS = """
SELECT option_id, COUNT(*) FROM ballots_ballotmark WHERE ballot_id = %s GROUP BY option_id
"""
BARE_SQL_PAPERS = "SELECT COUNT(*) FROM ballots_ballotpaper WHERE ballot_id = %s"


class Rollback(Exception):
    pass


def _time(fn, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def make_ballot(votes: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from unionhome.ballots import services
    from unionhome.ballots.models import (
        Ballot,
        BallotElector,
        BallotMark,
        BallotPaper,
        BallotParticipation,
    )
    from unionhome.membership.models import Union

    now = timezone.now()
    union = Union.objects.create(name="基准测试工会", kind="industry")
    ballot = services.ballot_create(
        union=union,
        title="Benchmark ratification",
        kind="yes_no",
        rule="collective_contract",
        opens_at=now - dt.timedelta(days=2),
        closes_at=now - dt.timedelta(days=1),
    )
    options = list(ballot.options.values_list("id", flat=True))
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bench_voter_{n}") for n in range(votes)], batch_size=5000
    )
    BallotElector.objects.bulk_create(
        [BallotElector(ballot=ballot, user=u) for u in users], batch_size=5000
    )
    BallotParticipation.objects.bulk_create(
        [BallotParticipation(ballot=ballot, user=u, receipt=services.new_receipt()) for u in users],
        batch_size=5000,
    )
    papers = [BallotPaper(id=uuid.uuid4(), ballot=ballot) for _ in range(votes)]
    BallotPaper.objects.bulk_create(papers, batch_size=5000)
    # 60 % yes, 30 % no, 10 % abstain.
    pattern = [0] * 6 + [1] * 3 + [2]
    BallotMark.objects.bulk_create(
        [
            BallotMark(paper=p, ballot=ballot, option_id=options[pattern[n % 10]])
            for n, p in enumerate(papers)
        ],
        batch_size=5000,
    )
    Ballot.objects.filter(pk=ballot.pk).update(eligible_count=votes, frozen_at=now)
    ballot.refresh_from_db()
    with connection_cursor() as cursor:
        cursor.execute("ANALYZE ballots_ballotmark")
        cursor.execute("ANALYZE ballots_ballotpaper")
        cursor.execute("ANALYZE ballots_ballotparticipation")
    return ballot


def connection_cursor():
    from django.db import connection

    return connection.cursor()


def main(argv: list[str] | None = None) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from unionhome.ballots import selectors

    argv = sys.argv[1:] if argv is None else argv
    votes = int(argv[0]) if argv else 100_000
    repeats = int(argv[1]) if len(argv) > 1 else 15
    if connection.vendor != "postgresql":
        print("note: not PostgreSQL; numbers are not the ones recorded in the docs")
    try:
        with transaction.atomic():
            started = time.perf_counter()
            ballot = make_ballot(votes)
            print(f"data: {votes} votes made in {time.perf_counter() - started:.1f} s")

            def bare():
                with connection.cursor() as cursor:
                    cursor.execute(BARE_SQL_MARKS, [ballot.pk])
                    counts = dict(cursor.fetchall())
                    cursor.execute(BARE_SQL_PAPERS, [ballot.pk])
                    return counts, cursor.fetchone()[0]

            def tally():
                return selectors.ballot_tally(ballot=ballot)

            def results():
                return selectors.ballot_results(ballot=ballot, user=None)

            for fn in (bare, tally, results):  # warm-up
                fn()
            t_bare, (bare_counts, bare_cast) = _time(bare, repeats)
            t_tally, (counts, cast) = _time(tally, repeats)
            t_results, outcome = _time(results, repeats)
            assert counts == bare_counts and cast == bare_cast == votes
            assert outcome.turnout == votes and outcome.passed is True
            print(f"bare SQL COUNT ... GROUP BY : {t_bare * 1000:8.1f} ms")
            print(
                f"ballot_tally (ORM)          : {t_tally * 1000:8.1f} ms  "
                f"ratio {t_tally / t_bare:.2f}x"
            )
            print(
                f"ballot_results (verdict)    : {t_results * 1000:8.1f} ms  "
                f"ratio {t_results / t_bare:.2f}x"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
