"""Races on PostgreSQL with real threads: the locks and constraints must hold.

Each test widens the race window (a short sleep inside the critical section) so that, were
the row lock or the partial unique constraint removed, both requests would pass and the test
would fail; checked by removing ``select_for_update`` in ``_lock_membership`` /
``_lock_transfer`` and the ``one_pending_*`` constraints.
"""

import threading
import time

import pytest
from django.db import connection

from tests.membership.helpers import application, apply, new_user, staff_of, token_for
from unionhome.core.errors import DomainError
from unionhome.membership import services
from unionhome.membership.models import Membership, MembershipEvent, Transfer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def core(transactional_db):
    from unionhome.core.demo import seed_core

    return seed_core()


def run_concurrently(*calls):
    """Run each call in its own thread (own DB connection); return results or DomainErrors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except DomainError as exc:
            results[index] = exc
        except Exception as exc:  # an unexpected error fails the test below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_critical_section(monkeypatch):
    original_record = services._record

    def slow_record(*args, **kwargs):
        time.sleep(0.3)
        return original_record(*args, **kwargs)

    monkeypatch.setattr(services, "_record", slow_record)
    original_create = Membership.objects.create

    def slow_create(*args, **kwargs):
        time.sleep(0.3)
        return original_create(*args, **kwargs)

    monkeypatch.setattr(Membership.objects, "create", slow_create)


def test_two_concurrent_approvals_one_wins(core, slow_critical_section):
    membership = apply(new_user(), core["union"])
    staff = core["union_admin"]
    results = run_concurrently(
        lambda: services.membership_approve(membership=membership, actor=staff),
        lambda: services.membership_approve(membership=membership, actor=staff),
    )
    wins = [r for r in results if isinstance(r, Membership)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1, results
    assert len(refusals) == 1 and refusals[0].status == 409
    assert MembershipEvent.objects.filter(membership=membership, status="active").count() == 1


def test_two_concurrent_applications_one_wins(core, slow_critical_section):
    user = new_user()
    token = token_for(core["union"])
    results = run_concurrently(
        lambda: services.membership_apply(user=user, token=token, **application()),
        lambda: services.membership_apply(user=user, token=token, **application()),
    )
    assert sum(isinstance(r, Membership) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, DomainError)] == ["duplicate_application"]
    assert Membership.objects.filter(user=user, status="pending").count() == 1


def test_concurrent_transfer_requests_of_one_member_one_wins(core, monkeypatch):
    rider = core["riders"][0]
    original = Transfer.objects.create

    def slow_create(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(Transfer.objects, "create", slow_create)
    results = run_concurrently(
        lambda: services.transfer_request(user=rider, token=token_for(core["regional"])),
        lambda: services.transfer_request(user=rider, token=token_for(core["enterprise"])),
    )
    assert sum(isinstance(r, Transfer) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, DomainError)] == ["transfer_pending"]
    assert Transfer.objects.filter(user=rider, status="pending").count() == 1


def test_concurrent_transfer_approvals_one_wins(core, slow_critical_section):
    rider = core["riders"][1]
    transfer = services.transfer_request(user=rider, token=token_for(core["regional"]))
    staff_a = staff_of(core["regional"])
    staff_b = staff_of(core["regional"])
    results = run_concurrently(
        lambda: services.transfer_approve(transfer=transfer, actor=staff_a),
        lambda: services.transfer_approve(transfer=transfer, actor=staff_b),
    )
    assert sum(isinstance(r, Transfer) for r in results) == 1, results
    assert [r.status for r in results if isinstance(r, DomainError)] == [409]
    assert Membership.objects.filter(user=rider, status="active").count() == 1
    assert Membership.objects.filter(user=rider, status="transferred").count() == 1


def test_concurrent_approvals_in_one_union_get_distinct_numbers(core):
    first = apply(new_user(), core["union"])
    second = apply(new_user(), core["union"])
    staff = core["union_admin"]
    results = run_concurrently(
        lambda: services.membership_approve(membership=first, actor=staff),
        lambda: services.membership_approve(membership=second, actor=staff),
    )
    assert all(isinstance(r, Membership) for r in results), results
    assert len({r.member_no for r in results}) == 2
