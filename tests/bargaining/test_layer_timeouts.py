"""The Redis channel layer's read timeout outlasts channels_redis' blocking read.

channels_redis waits for a message with BZPOPMIN blocking 5 s; redis-py 8 gives up on a read
after a default 5 s socket timeout. With both at 5 s, a hub whose loop was busy at the moment
the empty answer came back took it as Redis being away and re-subscribed every socket: a
stalled broadcast after every quiet spell of a room (seen in bench_watchers)."""

import asyncio
import time
import uuid

import pytest
from channels_redis.core import RedisChannelLayer

from tests.services import TEST_REDIS_URL
from tests.settings_probe import settings_in_subprocess


def _layer_config(tmp_path) -> dict:
    return settings_in_subprocess(
        "s.CHANNEL_LAYERS['default']",
        tmp_path,
        drop=("DATABASE_URL", "DEBUG"),
        REDIS_URL="redis://127.0.0.1:6379/9",
    )


def test_the_layer_reads_longer_than_it_blocks(tmp_path):
    config = _layer_config(tmp_path)["CONFIG"]
    (host,) = config["hosts"]
    assert host["address"] == "redis://127.0.0.1:6379/9"
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout


@pytest.mark.redis
@pytest.mark.slow
def test_an_idle_receive_survives_a_busy_loop_at_the_blocking_deadline(tmp_path):
    """Nothing arrives for longer than the 5 s block, and the loop is busy for a second
    around the moment the empty answer comes back: the receive keeps waiting (and then gets
    the message) instead of failing with a read timeout."""
    host = _layer_config(tmp_path)["CONFIG"]["hosts"][0]
    layer = RedisChannelLayer(
        hosts=[{**host, "address": TEST_REDIS_URL}], prefix=f"t{uuid.uuid4().hex[:8]}"
    )

    async def scenario():
        channel = await layer.new_channel("idle")
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(layer.brpop_timeout - 0.5)
        time.sleep(1.0)  # noqa: ASYNC251 - the loop busy (a storm's work) across the deadline
        await asyncio.sleep(0.5)
        assert not receiving.done() or receiving.exception() is None, receiving.exception()
        await layer.send(channel, {"type": "late", "n": 1})
        message = await asyncio.wait_for(receiving, 10)
        assert message == {"type": "late", "n": 1}
        await layer.flush()
        await layer.close_pools()

    asyncio.run(scenario())
