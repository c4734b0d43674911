"""Reading the live stream in the web process, through one consumer group."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
from typing import Awaitable, Callable

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from services.live.events import STREAM, LiveEvent
from services.live.subscriptions import subscribers_of
from services.settings import get_settings

GROUP = "web"
# Entries a crashed web worker had read but not acknowledged are taken over after this.
CLAIM_IDLE_MS = 30_000
BATCH = 500
# Tabs served at once: their pushes overlap their waits on the state manager; one tab's events
# stay in order.
PARALLEL_TABS = 64

log = logging.getLogger(__name__)

# Receives one tab's events of a batch, in order: a tab pushed many changes at once (a supervisor's
# during a rush) gets one update for all of them.
Deliver = Callable[[str, list[LiveEvent]], Awaitable[None]]


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


async def ensure_group(redis, group: str = GROUP) -> None:
    try:
        await redis.xgroup_create(STREAM, group, id="$", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


async def handle(redis, entries, deliver: Deliver, group: str = GROUP) -> None:
    """One batch: one look-up of the subscribers of every topic in it, the pushes, one XACK."""
    if not entries:
        return
    events = [LiveEvent.from_fields(fields) for _, fields in entries]
    listeners = await subscribers_of(redis, {t for e in events for t in e.topics})
    per_tab: dict[str, list[LiveEvent]] = {}
    for event in events:
        if len(event.topics) == 1:
            for tab in listeners.get(event.topics[0], ()):
                per_tab.setdefault(tab, []).append(event)
            continue
        heard: dict[str, list[str]] = {}      # tab -> the event's topics it listens to
        for topic in event.topics:
            for tab in listeners.get(topic, ()):
                heard.setdefault(tab, []).append(topic)
        for tab, topics in heard.items():     # each tab learns through which of its topics
            per_tab.setdefault(tab, []).append(dataclasses.replace(event, topics=tuple(topics)))
    await _deliver_all(per_tab, deliver)
    await redis.xack(STREAM, group, *(entry_id for entry_id, _ in entries))


async def _deliver_all(per_tab: dict[str, list[LiveEvent]], deliver: Deliver) -> None:
    queue = iter(per_tab.items())

    async def lane():
        for tab, events in queue:        # lanes share the iterator: each tab is served by one
            try:
                await deliver(tab, events)
            except Exception:  # one broken tab must not stop the others
                log.exception("live events %s to %s failed", [e.kind for e in events], tab)

    await asyncio.gather(*(lane() for _ in range(min(PARALLEL_TABS, len(per_tab)))))


async def consume_forever(deliver: Deliver, *, group: str = GROUP, name: str = "",
                          block_ms: int = 5_000, ready: Callable[[], None] | None = None):
    """Deliver each event of the stream to its subscribers; one consumer of `group` per
    web worker, so each event is handled by exactly one of them."""
    redis = aioredis.Redis.from_url(get_settings().redis_url, decode_responses=True)
    name = name or consumer_name()
    try:
        await ensure_group(redis, group)
        # Redis 6 answers [cursor, entries], Redis 7 adds the deleted ids.
        claimed = (await redis.xautoclaim(STREAM, group, name, CLAIM_IDLE_MS, "0-0"))[1]
        await handle(redis, claimed, deliver, group)
        if ready:
            ready()
        while True:
            batches = await redis.xreadgroup(group, name, {STREAM: ">"}, count=BATCH,
                                             block=block_ms)
            for _, entries in batches or []:
                await handle(redis, entries, deliver, group)
    finally:
        await redis.aclose()


async def consume_with_restarts(deliver: Deliver, *, max_backoff: float = 30.0) -> None:
    """consume_forever, started again with back-off when Redis goes away."""
    backoff = 0.5
    while True:
        try:
            await consume_forever(deliver, ready=lambda: None)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live stream consumer stopped; restarting in %.1f s", backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)
