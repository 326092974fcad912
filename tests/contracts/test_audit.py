"""Sensitive contract and ballot steps leave audit entries in the same transaction."""

import datetime as dt

import pytest

from bargaining.contracts import services
from bargaining.contracts.models import Contract
from tests.contracts.conftest import at, ratify
from unionhome.audit.models import AuditAction, AuditEntry
from unionhome.ballots import services as ballot_services
from unionhome.ballots.models import Ballot
from unionhome.core.errors import DomainError

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_ratification_ballot_signatures_and_filing_are_audited(case, core):
    case = ratify(case, core)
    ballot = Ballot.objects.get(pk=Contract.objects.get(case=case).ballot_id)
    ballot_services.ballot_seal(ballot=ballot)
    assert actions().count(AuditAction.BALLOT_OPEN) == 1
    assert actions().count(AuditAction.BALLOT_CLOSE) == 1
    opened = AuditEntry.objects.get(action=AuditAction.BALLOT_OPEN)
    assert (opened.object_id, opened.union_id, opened.actor) == (
        str(ballot.pk),
        ballot.union_id,
        None,
    )

    union_chief, employer_chief = core["union_side"][0], core["platform_side"][0]
    services.contract_sign(case=case, by=union_chief, now=at(2026, 3, 11, 10))
    with pytest.raises(DomainError):
        # A second signature by the same side is refused and leaves no entry.
        services.contract_sign(case=case, by=union_chief, now=at(2026, 3, 11, 10))
    services.contract_sign(case=case, by=employer_chief, now=at(2026, 3, 11, 10))
    signs = AuditEntry.objects.filter(action=AuditAction.CONTRACT_SIGN).order_by("pk")
    assert [e.actor for e in signs] == [union_chief, employer_chief]
    assert {e.union_id for e in signs} == {case.union_id}

    case.refresh_from_db()
    contract = services.contract_file(
        case=case, by=employer_chief, received_on=dt.date(2026, 3, 17), now=at(2026, 3, 16, 9)
    )
    [filed] = AuditEntry.objects.filter(action=AuditAction.CONTRACT_FILE)
    assert (filed.actor, filed.object_id) == (employer_chief, str(contract.pk))
