"""The permission matrix: every page, admin view, API operation and bargaining WebSocket command
against every role, compared with the expected outcomes written down in
``tests/security/permission_matrix.py``. A route without an entry fails the test by name.

To review what the product does (e.g. after adding a route), run with ``MATRIX_RECORD=<file>``:
the observed outcomes are written there in the data file's format.
"""

import os

import pytest

from tests.security import matrix_probe as probe
from tests.security import permission_matrix as data

# Outcomes depend on the code, not on the database: the matrix runs once, in the SQLite pass
# (`make test` deselects `sqlite_pass` tests in the PostgreSQL pass).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_pass]


@pytest.fixture
def world(demo):
    users = probe.build_roles(demo)
    return demo, users, probe.clients(users)


def _check(observed: dict[str, list[str]], table: dict) -> list[str]:
    problems = []
    for key, outcomes in sorted(observed.items()):
        expected = probe.lookup(table, key)
        if expected is None:
            problems.append(f"{key}: no entry in the permission matrix")
            continue
        expected = expected.split()
        for role, want, got in zip(probe.ROLES, expected, outcomes, strict=True):
            if want != got and not (want == "4xx" and got.startswith("4")):
                problems.append(f"{key} as {role}: expected {want}, got {got}")
    return problems


def _record(name: str, observed: dict[str, list[str]]) -> None:
    target = os.environ.get("MATRIX_RECORD")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        out.write(f"{name} = {{\n")
        for key, outcomes in sorted(observed.items()):
            out.write(f'    "{key}": "{" ".join(outcomes)}",\n')
        out.write("}\n\n")


def _socket_route_problems() -> list[str]:
    return [
        f"{route}: WebSocket route with no probe in the permission matrix"
        for route in probe.socket_routes()
        if route not in probe.SOCKET_PROBES
    ]


def _observe(routes, clients) -> dict[str, list[str]]:
    return {
        route.key: [probe.request(clients[role], route) for role in probe.ROLES] for route in routes
    }


# One test, one demo: seeding is a good part of the cost. Several minutes on a busy machine.
@pytest.mark.timeout(1800)
def test_every_route_by_role(world):
    ctx, users, clients = world
    pages = _observe(probe.page_routes(ctx), clients)
    api = _observe(probe.api_routes(clients["anon"], ctx), clients)
    sockets = probe.socket_observations(ctx, users)
    _record("PAGES", pages)
    _record("API", api)
    _record("WS", sockets)
    problems = (
        _check(pages, data.PAGES)
        + _check(api, data.API)
        + _socket_route_problems()
        + _check(sockets, data.WS)
    )
    assert not problems, "\n".join(problems)
