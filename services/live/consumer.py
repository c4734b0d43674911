"""Reading the live stream in the web process.

Every web worker reads the whole stream and serves only the tabs whose socket it holds (and those
that just lost their socket to it, for a reconnect: services/live/served.py): a tab's state stays in
the memory of the worker that serves it (Reflex's opportunistic lock over the Redis state manager),
so a push costs no trip to Redis and no hand-over to another worker. A worker that starts reads
from the stream's end: the tabs it gets hydrate from the state manager, which holds what was
applied before.

A broadcast (an event heard by more than BROADCAST_TABS of the worker's tabs: a campaign version,
a notice) is pushed beside the stream's next batches, one broadcast after another, instead of
holding them: an agent's state change made while a version reaches 2,000 panels goes out at once.
Under load the entries come a few at a time: the next read waits GATHER_SECONDS after the last, so
that each read brings a batch.
The pushes themselves: services/live/deliveries.py.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any, Awaitable, Callable

import redis.asyncio as aioredis

from services.live.deliveries import Deliver, Deliveries
from services.live.events import STREAM, LiveEvent
from services.live.subscriptions import subscribers_of
from services.settings import get_settings

BATCH = 500
# After a read, the next waits this long at most: under load, entries come a few at a time, and a
# read for each (1,450 reads a second of 3 entries at 2,000 agents) took a third of the web's CPU.
GATHER_SECONDS = 0.01
# An event heard by more tabs than this is a broadcast; its pushes take fewer lanes, so that the
# pushes of the batches after it get most of the event loop.
BROADCAST_TABS = 64
BROADCAST_LANES = 8

log = logging.getLogger(__name__)

# The tabs to push to that listen to each of a batch's topics: by default every subscribed tab (a
# single process serves them all), in a web worker the ones it serves (ServedTabs.listeners).
Listeners = Callable[[Any, set[str]], Awaitable[dict[str, list[str]]]]


class Broadcasts:
    """The pushes of broadcasts, delivered one broadcast after another (a tab gets them in order)
    in a task of their own, beside the consumer's batches."""

    def __init__(self, deliveries: Deliveries):
        self._deliveries = deliveries
        self._queue: asyncio.Queue[dict[str, list[LiveEvent]]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def push(self, per_tab: dict[str, list[LiveEvent]]) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        self._queue.put_nowait(per_tab)

    async def _run(self) -> None:
        while True:
            await self._deliveries.run(await self._queue.get(), BROADCAST_LANES)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def handle(redis, entries, deliveries: Deliveries, listeners_of: Listeners = subscribers_of,
                 broadcasts: Broadcasts | None = None) -> None:
    """One batch: one look-up of the listeners of every topic in it, then the pushes (those of
    its broadcasts handed to `broadcasts`, when given)."""
    if not entries:
        return
    topics_of = [LiveEvent.topics_in(fields) for _, fields in entries]
    listeners = await listeners_of(redis, {t for topics in topics_of for t in topics})
    per_tab: dict[str, list[LiveEvent]] = {}
    for (_, fields), topics in zip(entries, topics_of):
        heard: dict[str, list[str]] = {}      # tab -> the event's topics it listens to
        for topic in topics:
            for tab in listeners.get(topic, ()):
                heard.setdefault(tab, []).append(topic)
        if not heard:       # for tabs of other workers: its data is not even read
            continue
        event = LiveEvent.from_fields(fields)
        if broadcasts is not None and len(heard) > BROADCAST_TABS:
            broadcasts.push(_per_tab(event, heard, {}))
        else:
            _per_tab(event, heard, per_tab)
    await deliveries.run(per_tab)


def _per_tab(event: LiveEvent, heard: dict[str, list[str]],
             per_tab: dict[str, list[LiveEvent]]) -> dict[str, list[LiveEvent]]:
    for tab, through in heard.items():    # each tab learns through which of its topics
        per_tab.setdefault(tab, []).append(
            event if len(through) == len(event.topics) else dataclasses.replace(event, topics=tuple(through)))
    return per_tab


async def consume_forever(deliver: Deliver | Deliveries, *, listeners: Listeners = subscribers_of,
                          block_ms: int = 5_000, ready: Callable[[], None] | None = None,
                          gather_seconds: float = GATHER_SECONDS):
    """Deliver each new event of the stream to its listening tabs: the first after a quiet time
    at once, those that follow it gathered for `gather_seconds`, and read together."""
    redis = aioredis.Redis.from_url(get_settings().redis_url, decode_responses=True)
    deliveries = deliver if isinstance(deliver, Deliveries) else Deliveries(deliver)
    broadcasts = Broadcasts(deliveries)
    last = "$"
    try:
        info = await redis.xinfo_stream(STREAM) if await redis.exists(STREAM) else None
        last = info["last-generated-id"] if info else "0-0"
        if ready:
            ready()
        loop = asyncio.get_running_loop()
        while True:
            read_at, read = loop.time(), 0
            batches = await redis.xread({STREAM: last}, count=BATCH, block=block_ms)
            for _, entries in batches or []:
                last, read = entries[-1][0], len(entries)
                await handle(redis, entries, deliveries, listeners, broadcasts)
            if 0 < read < BATCH:     # a full read: more are waiting, read on at once
                await asyncio.sleep(max(0.0, read_at + gather_seconds - loop.time()))
    finally:
        await broadcasts.aclose()
        await deliveries.aclose()
        await redis.aclose()


async def consume_with_restarts(deliver: Deliver | Deliveries, *, listeners: Listeners = subscribers_of,
                                max_backoff: float = 30.0) -> None:
    """consume_forever, started again with back-off when Redis goes away."""
    backoff = 0.5
    while True:
        try:
            await consume_forever(deliver, listeners=listeners, ready=lambda: None)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live stream consumer stopped; restarting in %.1f s", backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)
