"""Concurrent lifecycle commands on PostgreSQL, with real threads.

These fail without the case row lock in the services (``_lock``): two chiefs signing at the
same moment each read the contract before the other's signature, so neither sees both and
the case never becomes "signed"; two regenerations read the same highest version number and
one of them breaks the unique (contract, number, language) constraint.
"""

import threading

import pytest
from django.db import connection

from bargaining.contracts import services
from bargaining.contracts.models import Contract, ContractVersion
from bargaining.models import Case
from tests.contracts.conftest import make_case, ratify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def worker(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def core_tx(transactional_db):
    from unionhome.core.demo import seed_core

    return seed_core()


def test_both_chiefs_signing_at_once_make_the_contract_signed(core_tx):
    case = ratify(make_case(core_tx), core_tx)
    for _attempt in range(3):
        errors = run_together(
            lambda: services.contract_sign(case=case, by=core_tx["union_side"][0]),
            lambda: services.contract_sign(case=case, by=core_tx["platform_side"][0]),
        )
        assert errors == []
        assert Case.objects.get(pk=case.pk).status == "signed"
        contract = Contract.objects.get(case=case)
        assert contract.union_signed_at and contract.employer_signed_at and contract.signed_at
        assert ContractVersion.objects.filter(contract=contract, case_status="signed").count() == 2
        # Reset for another round of the race.
        Contract.objects.filter(pk=contract.pk).update(
            union_signed_at=None,
            union_signed_by=None,
            employer_signed_at=None,
            employer_signed_by=None,
            signed_at=None,
        )
        ContractVersion.objects.filter(contract=contract, case_status="signed").delete()
        Case.objects.filter(pk=case.pk).update(status="ratified")


def test_concurrent_regenerations_get_distinct_version_numbers(core_tx):
    case = make_case(core_tx)
    chiefs = (core_tx["union_side"][0], core_tx["platform_side"][0], core_tx["union_admin"])
    services.contract_draft(case=case, by=chiefs[0])
    errors = run_together(*(lambda u=u: services.contract_draft(case=case, by=u) for u in chiefs))
    assert errors == []
    numbers = sorted(
        ContractVersion.objects.filter(contract__case=case, language="zh-hans").values_list(
            "number", flat=True
        )
    )
    assert numbers == [1, 2, 3, 4]
