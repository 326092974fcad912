"""The one-opinion race on PostgreSQL: one member sends the opinion from several devices at
the same moment.

The friendly pre-check is made to pass for every thread (each waits at a barrier inside it),
so only the unique constraint stands between them and a double count.
``test_race_without_the_constraint_counts_twice`` drops the constraint and shows the same
race then stores several opinions: the race test can fail.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from bargaining.consultations import services
from bargaining.consultations.models import Opinion
from tests.consultations.conftest import opened

THREADS = 6
CONSTRAINT = "consultations_one_opinion_per_member"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(consultation, member, monkeypatch):
    barrier = threading.Barrier(THREADS, timeout=30)
    real_filter = Opinion.objects.filter

    class EveryonePassesTheCheck:
        def __init__(self, qs):
            self.qs = qs

        def exists(self):
            found = self.qs.exists()
            barrier.wait()
            return found

    monkeypatch.setattr(
        Opinion.objects, "filter", lambda *a, **kw: EveryonePassesTheCheck(real_filter(*a, **kw))
    )
    results: list[str] = []
    lock = threading.Lock()
    during = consultation.opens_at + dt.timedelta(hours=1)

    def attempt(index):
        try:
            services.opinion_give(
                member=member,
                consultation=consultation,
                position=["support", "oppose", "neutral"][index % 3],
                now=during,
            )
            outcome = "ok"
        except services.DomainError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    monkeypatch.undo()
    return results


def test_concurrent_opinions_of_one_member_count_once(ctx, monkeypatch):
    consultation = opened(ctx)
    member = ctx["riders"][0]
    results = _race(consultation, member, monkeypatch)
    assert len(results) == THREADS
    assert results.count("ok") == 1
    assert results.count(services.ERR_ALREADY) == THREADS - 1
    assert Opinion.objects.filter(consultation=consultation, member=member).count() == 1


def test_race_without_the_constraint_counts_twice(ctx, monkeypatch):
    consultation = opened(ctx)
    member = ctx["riders"][0]
    table = Opinion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {CONSTRAINT}")
    try:
        results = _race(consultation, member, monkeypatch)
        # Without the constraint the same race stores the member's opinion several times.
        assert results.count("ok") > 1
        assert Opinion.objects.filter(consultation=consultation, member=member).count() > 1
    finally:
        Opinion.objects.filter(consultation=consultation).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} UNIQUE (consultation_id, member_id)"
            )
