"""A member gets the campaign's limit and no more, under concurrent claims at several
stations (real threads, PostgreSQL); stock never goes below zero."""

import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from unionhome.care import campaigns, selectors
from unionhome.care.models import CampaignStation, Claim
from unionhome.core.errors import DomainError
from unionhome.membership import selectors as membership_selectors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def race(care, *, stations, token, barrier_after_count=False, monkeypatch=None):
    """Claim for one member from THREADS threads at once, spread over the given stations.

    With ``barrier_after_count`` every thread passes the "how many has this member had?"
    read before any of them writes, so only the database can stop the extra claims."""
    if barrier_after_count:
        after_count = threading.Barrier(THREADS, timeout=20)
        original = selectors.claims_of_member

        def count_then_wait(**kwargs):
            result = original(**kwargs)
            after_count.wait()
            return result

        monkeypatch.setattr(selectors, "claims_of_member", count_then_wait)
    start = threading.Barrier(THREADS, timeout=20)
    outcomes: list[str] = []
    lock = threading.Lock()
    staff = get_user_model().objects.get(pk=care.union_admin.pk)

    def claim(index):
        try:
            supply = CampaignStation.objects.select_related("campaign").get(
                pk=stations[index % len(stations)].pk
            )
            start.wait()
            campaigns.claim_by_card(actor=staff, supply=supply, card_token=token)
            result = "ok"
        except DomainError as err:
            result = err.code
        except Exception as err:  # an unexpected database error is a failure too
            result = type(err).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return Counter(outcomes)


def token_of(member):
    return membership_selectors.card_url(membership=member.memberships.get(status="active"))


def test_concurrent_claims_give_exactly_the_limit(care):
    care.supply_b.supplied = care.supply_b.remaining = 10
    care.supply_b.save()
    outcomes = race(care, stations=[care.supply_a, care.supply_b], token=token_of(care.rider1))
    assert outcomes == Counter({"ok": 2, campaigns.ERR_LIMIT: THREADS - 2})
    assert Claim.objects.filter(member=care.rider1).count() == 2


def test_concurrent_claims_never_overdraw_stock(care):
    """Five members race for the single item at station B: exactly one gets it."""
    riders = care.ctx["riders"]
    staff = care.union_admin
    start = threading.Barrier(len(riders), timeout=20)
    outcomes: list[str] = []

    def claim(member):
        try:
            supply = CampaignStation.objects.select_related("campaign").get(pk=care.supply_b.pk)
            start.wait()
            campaigns.claim_by_card(actor=staff, supply=supply, card_token=token_of(member))
            outcomes.append("ok")
        except DomainError as err:
            outcomes.append(err.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(m,)) for m in riders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Counter(outcomes) == Counter({"ok": 1, campaigns.ERR_NO_STOCK: len(riders) - 1})
    care.supply_b.refresh_from_db()
    assert care.supply_b.remaining == 0


def test_the_limit_race_fails_without_the_lock_and_the_constraint(care, monkeypatch):
    """Shows the first test can fail: without the row lock and the unique ordinal, every
    thread reads "none yet" and all of them are handed an item."""
    from django.db.models import QuerySet

    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)
    constraint = next(c for c in Claim._meta.constraints if c.name == "care_claim_ordinal_once")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Claim, constraint)
    try:
        outcomes = race(
            care,
            stations=[care.supply_a],
            token=token_of(care.rider1),
            barrier_after_count=True,
            monkeypatch=monkeypatch,
        )
        assert outcomes["ok"] > care.campaign.limit_per_member
    finally:
        Claim.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Claim, constraint)


def test_the_constraint_alone_holds_the_limit_without_the_lock(care, monkeypatch):
    """With the lock gone the unique ordinal still refuses the extra claims."""
    from django.db.models import QuerySet

    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)
    outcomes = race(
        care,
        stations=[care.supply_a],
        token=token_of(care.rider1),
        barrier_after_count=True,
        monkeypatch=monkeypatch,
    )
    assert outcomes["ok"] <= care.campaign.limit_per_member
    assert Claim.objects.filter(member=care.rider1).count() <= care.campaign.limit_per_member
