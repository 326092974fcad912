"""The demo seeder: an older case with a contract in force, idempotent."""

from bargaining.contracts import demo, selectors
from bargaining.contracts.models import Contract
from bargaining.models import Case


def test_seed_creates_a_contract_in_force_once(core):
    demo.seed(core)
    demo.seed(core)
    cases = Case.objects.filter(title=demo.TITLE)
    assert cases.count() == 1
    case = cases.get()
    assert case.status in ("in_force", "expiring", "expired")
    contract = Contract.objects.get(case=case)
    assert contract.ballot is not None and contract.ratified_at is not None
    assert contract.versions.filter(case_status="signed").count() == 2
    assert core["contract_case"] == case
    member_view = selectors.contracts_in_force_for(user=core["riders"][0])
    assert [c.case_id for c in member_view] == ([case.pk] if case.status != "expired" else [])
