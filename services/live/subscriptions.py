"""Which browser tabs listen to which topics, kept in Redis while the tab lives.

A subscription is stamped with the time it was last renewed. The web worker holding a tab's
socket renews its tab's subscriptions every RENEW_SECONDS; a tab that closed (or whose worker
died) is no longer renewed, so after LIVE_SECONDS nothing is delivered to it any more and the
next sweep removes it. A tab that reconnects within that time (a network blip) misses nothing.

The web worker that holds a tab's socket runs its handlers, so the tab subscribes there: that
process keeps a copy (`LOCAL`), and its live consumer finds a batch's listeners without asking
Redis (services/live/served.py); Redis stays the shared record a worker reads when a tab arrives
from another.
"""
from __future__ import annotations

import time
from typing import Iterable

from services.infra.redis import get_redis

LIVE_SECONDS = 60
RENEW_SECONDS = 20
RENEW_CHUNK = 100


def _key(topic: str) -> str:
    return f"bgc:live:topic:{topic}"


def _tab_key(client_token: str) -> str:
    return f"bgc:live:tab:{client_token}"


class LocalSubscriptions:
    """The subscriptions made in this process: topic -> tabs, and tab -> topics."""

    def __init__(self) -> None:
        self.tabs_of: dict[str, set[str]] = {}
        self.topics_of: dict[str, set[str]] = {}

    def add(self, client_token: str, topics: Iterable[str]) -> None:
        for topic in topics:
            self.tabs_of.setdefault(topic, set()).add(client_token)
            self.topics_of.setdefault(client_token, set()).add(topic)

    def remove(self, client_token: str, topics: Iterable[str]) -> None:
        for topic in topics:
            self.tabs_of.get(topic, set()).discard(client_token)
            self.topics_of.get(client_token, set()).discard(topic)

    def forget(self, client_token: str) -> None:
        """The tab is gone (or served elsewhere): it costs nothing here any more."""
        for topic in self.topics_of.pop(client_token, ()):
            tabs = self.tabs_of.get(topic)
            if tabs is not None:
                tabs.discard(client_token)
                if not tabs:
                    del self.tabs_of[topic]

    def listening(self, topic: str) -> list[str]:
        return list(self.tabs_of.get(topic, ()))      # a copy: handlers may subscribe meanwhile


LOCAL = LocalSubscriptions()


def subscribe(client_token: str, topics: list[str], now: float | None = None) -> None:
    LOCAL.add(client_token, topics)
    now = time.time() if now is None else now
    pipe = get_redis().pipeline(transaction=False)
    for topic in topics:
        pipe.zadd(_key(topic), {client_token: now})
        pipe.expire(_key(topic), LIVE_SECONDS * 2)
    if topics:
        pipe.sadd(_tab_key(client_token), *topics)
        pipe.expire(_tab_key(client_token), LIVE_SECONDS * 2)
    pipe.execute()


def unsubscribe(client_token: str, topics: list[str]) -> None:
    LOCAL.remove(client_token, topics)
    pipe = get_redis().pipeline(transaction=False)
    for topic in topics:
        pipe.zrem(_key(topic), client_token)
    if topics:
        pipe.srem(_tab_key(client_token), *topics)
    pipe.execute()


async def renew(redis, client_tokens: Iterable[str], now: float | None = None,
                local: LocalSubscriptions = LOCAL) -> int:
    """Keep the subscriptions of these open tabs alive (async: the web worker's renewal task);
    sweeps the expired ones of the same topics. The topics of a tab that subscribed in this process
    are known here, the others' are read from Redis. RENEW_CHUNK tabs per round trip: renewing a
    worker's 1,000 tabs in one took 100-190 ms during which none of its tabs got a push. Returns
    how many subscriptions were renewed."""
    now = time.time() if now is None else now
    tokens = list(client_tokens)
    topics_of = {token: set(local.topics_of[token]) for token in tokens if local.topics_of.get(token)}
    topics_of.update(await subscriptions_of(redis, [token for token in tokens if token not in topics_of]))
    tabs = [(token, topics) for token, topics in topics_of.items() if topics]
    renewed, swept = 0, set()
    for start in range(0, len(tabs), RENEW_CHUNK):
        pipe = redis.pipeline(transaction=False)
        for token, topics in tabs[start:start + RENEW_CHUNK]:
            for topic in topics:
                pipe.zadd(_key(topic), {token: now})
            pipe.expire(_tab_key(token), LIVE_SECONDS * 2)
            renewed += len(topics)
            for topic in topics - swept:
                pipe.zremrangebyscore(_key(topic), 0, now - LIVE_SECONDS)
                pipe.expire(_key(topic), LIVE_SECONDS * 2)
            swept |= topics
        await pipe.execute()
    return renewed


async def subscriptions_of(redis, client_tokens: Iterable[str]) -> dict[str, set[str]]:
    """The topics each tab listens to, in one round trip."""
    tokens = list(client_tokens)
    if not tokens:
        return {}
    pipe = redis.pipeline(transaction=False)
    for token in tokens:
        pipe.smembers(_tab_key(token))
    return dict(zip(tokens, await pipe.execute()))


async def subscribers_of(redis, topics: Iterable[str], now: float | None = None) -> dict[str, list[str]]:
    """The live tabs subscribed to each topic, in one round trip (async: the web process's listener)."""
    now = time.time() if now is None else now
    topics = list(topics)
    pipe = redis.pipeline(transaction=False)
    for topic in topics:
        pipe.zrangebyscore(_key(topic), now - LIVE_SECONDS, "+inf")
    return dict(zip(topics, await pipe.execute()))


async def subscribers(redis, topic: str, now: float | None = None) -> list[str]:
    return (await subscribers_of(redis, [topic], now))[topic]
