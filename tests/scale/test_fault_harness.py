"""The fault tests stop their own Redis and cut their own database proxy, then check that the
servers notice. If a stranger already listened on one of their ports, the probes connected to
the stranger and the test checked a server that never lost anything: /readyz answered 200
with "Redis stopped". The harness must refuse an occupied port instead."""

import socket

import pytest

from tests.bargaining.live import daphne_processes, ensure_port_free, free_ports
from tests.scale.test_faults import PrivateRedis


@pytest.fixture
def stranger():
    """Something else listening on a loopback port."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]


def test_free_ports_are_distinct_and_unused():
    ports = free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        ensure_port_free(port)  # raises if something answers


def test_daphne_refuses_a_port_someone_else_listens_on(stranger, tmp_path):
    with (
        pytest.raises(RuntimeError, match="already in use"),
        daphne_processes([stranger], var_dir=tmp_path),
    ):
        pass


def test_private_redis_refuses_a_port_someone_else_listens_on(stranger, tmp_path):
    server = PrivateRedis(stranger, tmp_path)
    with pytest.raises(RuntimeError, match="already in use"):
        server.start()
    assert server.proc is None
