"""Django Channels' Redis layers against Cinnabar: RedisChannelLayer (sorted sets, BZPOPMIN,
Lua for group_send and flush) and RedisPubSubChannelLayer (SUBSCRIBE/PUBLISH). Each scenario
uses separate layer instances for senders and receivers, as separate ASGI processes would,
and prints one JSON object; tests/integration/channels.test.ts asserts on it.

Usage: python3 channels_client.py core|pubsub   (CINNABAR_URL in the environment)
"""
import asyncio
import json
import os
import sys

import redis
from channels.exceptions import ChannelFull
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

URL = os.environ["CINNABAR_URL"]
TIMEOUT = 10


async def receive(layer, channel):
    return await asyncio.wait_for(layer.receive(channel), TIMEOUT)


async def nothing_for(layer, channel, seconds=0.3):
    """True when no message arrives on `channel` within `seconds` (the receive is cancelled)."""
    try:
        await asyncio.wait_for(layer.receive(channel), seconds)
        return False
    except asyncio.TimeoutError:
        return True


async def exercise(make_layer):
    """The scenario both layers share: direct sends, group fan-out, group_discard."""
    consumer_layers = [make_layer() for _ in range(3)]
    sender = make_layer()
    out = {}
    channels = [await layer.new_channel() for layer in consumer_layers]
    out["channel_names_distinct"] = len(set(channels)) == 3

    # A direct message to one channel reaches it, with binary-safe (msgpack) payloads.
    await sender.send(channels[0], {"type": "direct.message", "text": "hi", "n": 1, "blob": "\u00e9\u0000"})
    out["direct"] = await receive(consumer_layers[0], channels[0])

    for layer, channel in zip(consumer_layers, channels):
        await layer.group_add("room", channel)
    await sender.group_send("room", {"type": "chat.message", "text": "to all"})
    out["group"] = [await receive(layer, ch) for layer, ch in zip(consumer_layers, channels)]

    # Order is kept per channel.
    for i in range(5):
        await sender.group_send("room", {"type": "seq", "i": i})
    out["order"] = [[(await receive(layer, ch))["i"] for _ in range(5)] for layer, ch in zip(consumer_layers, channels)]

    await consumer_layers[1].group_discard("room", channels[1])
    await sender.group_send("room", {"type": "chat.message", "text": "after discard"})
    out["after_discard"] = [
        (await receive(consumer_layers[0], channels[0]))["text"],
        await nothing_for(consumer_layers[1], channels[1]),
        (await receive(consumer_layers[2], channels[2]))["text"],
    ]

    # A group with no members: group_send is a no-op, not an error.
    await sender.group_send("empty-room", {"type": "nobody"})
    out["empty_group_ok"] = True
    return out, consumer_layers + [sender]


async def core():
    def make():
        return RedisChannelLayer(hosts=[URL], prefix="cinnabar-test", expiry=60, capacity=100)

    out, layers = await exercise(make)

    # Named (non-process-specific) channels go through BZPOPMIN on a shared sorted set.
    sender, receiver = layers[-1], layers[0]
    await sender.send("tasks", {"type": "work", "job": 7})
    out["named"] = await receive(receiver, "tasks")

    # Capacity: a channel holding `capacity` messages refuses the next send with ChannelFull.
    small = RedisChannelLayer(hosts=[URL], prefix="cinnabar-test-cap", capacity=2)
    await small.send("full", {"type": "m", "i": 1})
    await small.send("full", {"type": "m", "i": 2})
    try:
        await small.send("full", {"type": "m", "i": 3})
        out["channel_full"] = False
    except ChannelFull:
        out["channel_full"] = True
    # group_send counts channels over capacity instead of raising.
    await small.group_add("g", "full")
    await small.group_send("g", {"type": "m", "i": 4})
    out["capacity_kept"] = [(await receive(small, "full"))["i"] for _ in range(2)]
    out["nothing_over_capacity"] = await nothing_for(small, "full")

    # flush() deletes every key under the prefix (a Lua script running KEYS inside).
    await sender.send("tasks", {"type": "left", "over": True})
    await sender.group_add("other", "tasks")
    await sender.flush()
    out["after_flush_empty"] = await nothing_for(receiver, "tasks")
    await small.flush()
    leftovers = redis.Redis.from_url(URL)
    out["keys_after_flush"] = sorted(k.decode("latin1") for k in leftovers.keys("cinnabar-test*"))
    leftovers.close()
    for layer in layers + [small]:
        await layer.close_pools()
    return out


async def pubsub():
    # No flush() or task cancellation at the end: cancelling the layer's receive task can be
    # swallowed inside redis-py 4.3's get_message timeout (async-timeout 4.0.2), and then
    # flush() waits forever. Seen against redis-server 7.0 too, under CPU load; see __main__.
    out, _layers = await exercise(lambda: RedisPubSubChannelLayer(hosts=[URL], prefix="cinnabar-test"))
    return out


if __name__ == "__main__":
    # Not asyncio.run(): its teardown cancels the pub/sub layer's receive tasks, which can hang
    # as described in pubsub(). Report, then leave without tearing the loop down.
    loop = asyncio.new_event_loop()
    result = loop.run_until_complete({"core": core, "pubsub": pubsub}[sys.argv[1]]())
    print(json.dumps(result), flush=True)
    os._exit(0)
