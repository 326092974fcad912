"""Concurrent commands on one case (real threads, PostgreSQL): seq stays unique and gap-free,
and one client_id sent twice at once is applied once. Without the case row lock in
services._lock, the seq test fails with IntegrityError on (case, seq)."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection

from bargaining import services
from bargaining.models import Case, CommandReceipt, Event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_chat_gets_unique_gap_free_seq(demo, case):
    people = demo["union_side"] + demo["platform_side"]
    before = case.events.count()

    def send(i):
        services.chat_send(case=case, by=people[i % len(people)], room="table", text=f"t{i}")

    errors = run_threads(12, send)
    assert errors == []
    seqs = list(Event.objects.filter(case=case).order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + 12
    assert seqs == list(range(1, len(seqs) + 1))


def test_the_seq_race_test_fails_without_the_case_lock(demo, case, monkeypatch):
    """Shows the test above can fail: without the row lock every thread reads the same
    last_seq and writes the same seq; the (case, seq) constraint refuses all but one."""
    threads = 6
    people = demo["union_side"] + demo["platform_side"]
    all_read = threading.Barrier(threads, timeout=20)

    def read_without_lock(case):
        unlocked = Case.objects.get(pk=case.pk)
        all_read.wait()  # only reachable by all threads at once when nothing serialises them
        return unlocked

    monkeypatch.setattr(services, "_lock", read_without_lock)

    def send(i):
        services.chat_send(case=case, by=people[i], room="table", text=f"race{i}")

    errors = run_threads(threads, send)
    assert len(errors) == threads - 1
    assert all(isinstance(error, IntegrityError) for error in errors)
    assert Event.objects.filter(case=case, payload__text__startswith="race").count() == 1


def test_same_client_id_at_once_is_applied_once(demo, case):
    user = demo["union_side"][0]
    client_id = str(uuid.uuid4())
    results = []

    def send(i):
        results.append(
            services.chat_send(case=case, by=user, room="table", text="once", client_id=client_id)
        )

    errors = run_threads(6, send)
    assert errors == []
    assert len({r.seq for r in results}) == 1
    assert sum(1 for r in results if not r.repeated) == 1
    assert Event.objects.filter(case=case, payload__text="once").count() == 1
    assert CommandReceipt.objects.filter(client_id=client_id).count() == 1
