"""Requests per second for the site's home page and a legal guide on Daphne.

Baseline, measured by the same Daphne process in the same run: a minimal Django view that
returns a fixed page of the same bytes (the real page, captured first). Two Daphne runs:
"cold" with the cache switched off (every request renders everything, as the first visitor
after a publish does) and "warm" with the normal cache after a warm-up request.

Needs a database with the demo content: by default a fresh SQLite file in a temporary
folder is migrated and seeded (about a minute); set BENCH_VAR_DIR to reuse one.

    python bench/bench_cms.py [requests] [concurrency]
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_CMS_PORT", "8179"))
PAGES = {"home": "/", "guide": "/legal-guides/pay-and-piece-rates/"}


def _env(var_dir: Path, static_dir: Path, cache: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.cms_bench_settings",
        PYTHONPATH=str(ROOT),
        VAR_DIR=str(var_dir),
        BENCH_STATIC_DIR=str(static_dir),
        BENCH_CACHE=cache,
    )
    for name in ("DATABASE_URL", "REDIS_URL", "TESTING", "TEST_DB_NAME"):
        env.pop(name, None)
    return env


def _prepare_database(var_dir: Path, static_dir: Path) -> None:
    python = sys.executable
    env = _env(var_dir, static_dir, "dummy")
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _wait_for_port(port: int, server: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    # A loaded 2-core machine can take well over 30 s to import Django, Wagtail and the apps.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"Daphne exited ({server.returncode}):\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Daphne did not start on port {port} within {timeout:.0f} s")


def _get(connection: http.client.HTTPConnection, path: str, hits: list | None = None) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    if hits is not None:
        hits.append(response.getheader("X-Page-Cache") == "hit")
    return body


def _rps(path: str, requests: int, concurrency: int, hits: list | None = None) -> float:
    """Requests per second for ``requests`` GETs of ``path`` over ``concurrency`` connections
    (``hits`` collects, per response, whether the page cache answered it)."""
    per_worker = max(1, requests // concurrency)
    errors: list[Exception] = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            for _ in range(per_worker):
                _get(connection, path, hits)
        except Exception as error:  # noqa: BLE001 - reported after the run
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return per_worker * concurrency / elapsed


def _run_server(var_dir: Path, static_dir: Path, cache: str, requests: int, concurrency: int):
    daphne = Path(sys.executable).with_name("daphne")
    log = static_dir.parent / f"daphne-{cache}.log"
    with open(log, "wb") as err:
        server = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(PORT), "unionhome.config.asgi:application"],
            cwd=ROOT,
            env=_env(var_dir, static_dir, cache),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        _wait_for_port(PORT, server, log)
        rows = []
        for name, path in PAGES.items():
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            body = _get(connection, path)  # warms renditions (and the cache when on)
            connection.close()
            (static_dir / f"{name}.html").write_bytes(body)
            baseline_path = f"/_bench/static/{name}/"
            _rps(baseline_path, concurrency * 5, concurrency)  # warm-up
            hits: list[bool] = []
            page = _rps(path, requests, concurrency, hits)
            baseline = _rps(baseline_path, requests, concurrency)
            rows.append((cache, name, len(body), page, baseline, sum(hits) / max(len(hits), 1)))
        return rows
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    requests = int(argv[0]) if argv else 400
    concurrency = int(argv[1]) if len(argv) > 1 else 4
    with tempfile.TemporaryDirectory(prefix="bench-cms-") as temp:
        static_dir = Path(temp) / "static"
        static_dir.mkdir()
        var_dir = Path(os.environ.get("BENCH_VAR_DIR") or Path(temp) / "var")
        if not os.environ.get("BENCH_VAR_DIR"):
            var_dir.mkdir()
            _prepare_database(var_dir, static_dir)
        rows = []
        for cache in ("dummy", "locmem"):
            rows += _run_server(var_dir, static_dir, cache, requests, concurrency)
    print(f"{requests} requests, {concurrency} connections, one Daphne process")
    print(
        f"{'cache':<6} {'page':<6} {'bytes':>7} {'page rps':>9} {'baseline rps':>13}"
        f" {'page/baseline':>14} {'cache hits':>11}"
    )
    for cache, name, size, page, baseline, hit_share in rows:
        label = "cold" if cache == "dummy" else "warm"
        print(
            f"{label:<6} {name:<6} {size:>7} {page:>9.1f} {baseline:>13.1f}"
            f" {page / baseline:>13.2f}x {hit_share:>10.0%}"
        )


if __name__ == "__main__":
    main()
