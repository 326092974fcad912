"""Broadcast fan-out in a bargaining room: the RoomHub design against the textbook one.

Both run side by side in one process, on the same channel layer (in-memory, and Redis when
reachable), with N listeners and one sender at a fixed rate:

- naive: every socket has its own channel in the room's group; one group_send becomes one
  channel message per socket, and each socket's consumer JSON-encodes the event and sends it
  (Channels' usual design);
- hub: bargaining.events.RoomHub; the event is encoded once, the layer carries one message
  per process, and the hub hands the same text to every local socket.

"Sending" to a socket is the same cheap call in both, so the difference is the fan-out path.
Reported: server CPU per delivered frame (process time), delivery latency p50/p99, lost
frames, and the naive/hub ratios.

Run: python -m bench.bench_fanout [--listeners 10,100,500] [--messages 30] [--rate 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")
django.setup()

from channels.layers import InMemoryChannelLayer  # noqa: E402

from bargaining import events  # noqa: E402

CASE_ID = 424242
EVENT = {
    "type": "event",
    "kind": "offer",
    "audience": "table",
    "round": 2,
    "item": 7,
    "side": "employer",
    "value": "8.00",
    "display": "8 元/单",
    "note": "考虑高峰时段的补贴",
    "findings": [{"code": "below_hourly_minimum", "severity": "breach", "floor": "25.00"}],
    "actor": {"id": 3, "name": "周经理"},
}


class Sink:
    """Stands in for a WebSocket: counts frames and records their latency."""

    def __init__(self, sent_at: dict, latencies: list):
        self.audiences = frozenset({"table"})
        self.sent_at = sent_at
        self.latencies = latencies
        self.count = 0

    async def send_text(self, text: str) -> None:
        self.count += 1

    async def deliver(self, seq, text, kind=None) -> None:  # RoomHub interface
        await self.send_text(text)
        self.latencies.append(time.perf_counter() - self.sent_at[seq])


async def run_naive(layer, n: int, messages: int, rate: float) -> dict:
    group = f"naive-{uuid.uuid4().hex[:8]}"
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    sinks = [Sink(sent_at, latencies) for _ in range(n)]
    channels = []
    for _ in sinks:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        channels.append(channel)

    async def consumer(channel, sink):
        while True:
            message = await layer.receive(channel)
            # Per-socket work of the textbook consumer: encode the event, then send.
            text = json.dumps(message["event"], ensure_ascii=False)
            await sink.send_text(text)
            latencies.append(time.perf_counter() - sent_at[message["event"]["seq"]])

    tasks = [asyncio.create_task(consumer(c, s)) for c, s in zip(channels, sinks, strict=True)]

    async def publish(seq: int) -> None:
        await layer.group_send(group, {"type": "bargaining.event", "event": {**EVENT, "seq": seq}})

    result = await _drive(publish, sinks, sent_at, latencies, n, messages, rate)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for channel in channels:
        await layer.group_discard(group, channel)
    return result


async def run_hub(layer, n: int, messages: int, rate: float) -> dict:
    hub = events.RoomHub(layer)
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    sinks = [Sink(sent_at, latencies) for _ in range(n)]
    for sink in sinks:
        await hub.join(CASE_ID, sink)
    group = events.group_name(CASE_ID, "table")

    async def publish(seq: int) -> None:
        text = events.encode({**EVENT, "seq": seq})  # once per event, as events.publish does
        await layer.group_send(
            group,
            {
                "type": "bargaining.fanout",
                "case": CASE_ID,
                "audience": "table",
                "seq": seq,
                "kind": "offer",
                "text": text,
            },
        )

    result = await _drive(publish, sinks, sent_at, latencies, n, messages, rate)
    for sink in sinks:
        await hub.leave(CASE_ID, sink)
    return result


async def _drive(publish, sinks, sent_at, latencies, n, messages, rate) -> dict:
    expected = n * messages
    interval = 1.0 / rate
    cpu0 = time.process_time()
    start = time.perf_counter()
    for seq in range(1, messages + 1):
        sent_at[seq] = time.perf_counter()
        await publish(seq)
        delay = start + seq * interval - time.perf_counter()
        await asyncio.sleep(max(delay, 0))
    deadline = time.perf_counter() + 30
    # Polling many sinks' counters is simpler than wiring an Event into each.
    while sum(s.count for s in sinks) < expected and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    cpu = time.process_time() - cpu0
    delivered = sum(s.count for s in sinks)
    ordered = sorted(latencies)

    def pct(p):
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {
        "delivered": delivered,
        "lost": expected - delivered,
        "cpu_ms_per_frame": cpu * 1000 / max(delivered, 1),
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": pct(0.99),
    }


def _layers() -> list[tuple[str, object]]:
    layers = [("memory", lambda: InMemoryChannelLayer(capacity=10000))]
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
    except Exception:
        print(f"(Redis at {url} not reachable: in-memory layer only)")
        return layers
    from channels_redis.core import RedisChannelLayer

    layers.append(
        (
            "redis",
            lambda: RedisChannelLayer(
                hosts=[url], prefix=f"bench-{uuid.uuid4().hex[:6]}", capacity=10000
            ),
        )
    )
    return layers


async def _with_layer(make, run, n, messages, rate) -> dict:
    layer = make()
    try:
        return await run(layer, n, messages, rate)
    finally:
        if hasattr(layer, "flush"):
            await layer.flush()  # drop this run's keys / queues
        if hasattr(layer, "close_pools"):
            await layer.close_pools()


async def _main(listeners: list[int], messages: int, rate: float) -> list[dict]:
    rows = []
    header = (
        f"{'layer':6} {'N':>4} | {'design':5} {'cpu ms/frame':>12} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'lost':>5} | ratios naive/hub: cpu, p99"
    )
    print(header)
    print("-" * len(header))
    for name, make in _layers():
        for n in listeners:
            naive = await _with_layer(make, run_naive, n, messages, rate)
            hub = await _with_layer(make, run_hub, n, messages, rate)
            for design, r in (("naive", naive), ("hub", hub)):
                print(
                    f"{name:6} {n:>4} | {design:5} {r['cpu_ms_per_frame']:>12.4f} "
                    f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['lost']:>5}",
                    end="",
                )
                if design == "hub":
                    cpu_ratio = naive["cpu_ms_per_frame"] / max(hub["cpu_ms_per_frame"], 1e-9)
                    p99_ratio = naive["p99_ms"] / max(hub["p99_ms"], 1e-9)
                    print(f" | {cpu_ratio:6.1f}x, {p99_ratio:6.1f}x")
                else:
                    print()
            rows.append({"layer": name, "n": n, "naive": naive, "hub": hub})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", default="10,100,500")
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args(argv or [])
    listeners = [int(x) for x in args.listeners.split(",") if x]
    return asyncio.run(_main(listeners, args.messages, args.rate))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
