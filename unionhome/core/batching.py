"""Requests made in the same moment on one event loop, served by one call.

A connect storm has thousands of sockets each asking the same kind of question (whose session
is this? may this member watch?). Asked one by one, each answer is a trip to the one thread
Channels gives Django's sync code, or a cache round trip, and each socket waits for every
trip queued before its own. A ``Gather`` collects the questions that arrive together and
answers them with one call.
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from collections.abc import Awaitable, Callable, Hashable


class Gather:
    """Keys waiting on one event loop, served ``size`` at a time by ``serve(batch)`` (a dict
    key → value, returning a dict key → result; a key it leaves out gets ``default``). The
    first key starts a batch after ``wait`` seconds; while a batch is served, new keys wait
    for the next one: the busier the storm, the larger the batches."""

    def __init__(
        self,
        serve: Callable[[dict], Awaitable[dict]],
        *,
        size: int,
        wait: float,
        default=None,
    ) -> None:
        self.serve = serve
        self.size = size
        self.wait = wait
        self.default = default
        self.waiting: dict[Hashable, tuple[object, list[asyncio.Future]]] = {}
        self.worker: asyncio.Task | None = None

    async def get(self, key: Hashable, value=None):
        """The result for ``key`` (the same key asked twice is served once)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.waiting.setdefault(key, (value, []))[1].append(future)
        if self.worker is None:
            self.worker = loop.create_task(self._run())
        return await future

    async def _run(self) -> None:
        batch: dict = {}
        try:
            await asyncio.sleep(self.wait)
            while self.waiting:
                keys = list(itertools.islice(self.waiting, self.size))
                batch = {key: self.waiting.pop(key) for key in keys}
                # A socket that left while waiting (its future cancelled) is not served.
                wanted = {
                    key: value
                    for key, (value, futures) in batch.items()
                    if not all(f.done() for f in futures)
                }
                try:
                    results = await self.serve(wanted) if wanted else {}
                except Exception as error:
                    # Each waiting request fails as it would have alone; none is left waiting.
                    for _, futures in batch.values():
                        for future in futures:
                            if not future.done():
                                future.set_exception(error)
                    batch = {}
                    continue
                for key, (_, futures) in batch.items():
                    result = results.get(key, self.default)
                    for future in futures:
                        if not future.done():
                            future.set_result(result)
                batch = {}
        finally:
            self.worker = None
            # Only when the worker itself was cancelled (the loop closing): nobody hangs.
            for _, futures in itertools.chain(batch.values(), self.waiting.values()):
                for future in futures:
                    future.cancel()
            self.waiting.clear()


_loops: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def on_loop(name: str, make: Callable[[], Gather]) -> Gather:
    """The running event loop's Gather of this name (tests run a loop per test)."""
    found = _loops.setdefault(asyncio.get_running_loop(), {})
    gather = found.get(name)
    if gather is None:
        gather = found[name] = make()
    return gather
