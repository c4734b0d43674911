"""Which browser tabs listen to which topics, kept in Redis while the tab lives.

A subscription is stamped with the time it was last renewed. The web worker holding a tab's
socket renews its tab's subscriptions every RENEW_SECONDS; a tab that closed (or whose worker
died) is no longer renewed, so after LIVE_SECONDS nothing is delivered to it any more and the
next sweep removes it. A tab that reconnects within that time (a network blip) misses nothing.
"""
from __future__ import annotations

import time
from typing import Iterable

from services.infra.redis import get_redis

LIVE_SECONDS = 60
RENEW_SECONDS = 20


def _key(topic: str) -> str:
    return f"bgc:live:topic:{topic}"


def _tab_key(client_token: str) -> str:
    return f"bgc:live:tab:{client_token}"


def subscribe(client_token: str, topics: list[str], now: float | None = None) -> None:
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
    pipe = get_redis().pipeline(transaction=False)
    for topic in topics:
        pipe.zrem(_key(topic), client_token)
    if topics:
        pipe.srem(_tab_key(client_token), *topics)
    pipe.execute()


async def renew(redis, client_tokens: Iterable[str], now: float | None = None) -> int:
    """Keep the subscriptions of these open tabs alive (async: the web worker's renewal task);
    sweeps the expired ones of the same topics. Returns how many subscriptions were renewed."""
    now = time.time() if now is None else now
    tokens = list(client_tokens)
    if not tokens:
        return 0
    pipe = redis.pipeline(transaction=False)
    for token in tokens:
        pipe.smembers(_tab_key(token))
    topics_of = dict(zip(tokens, await pipe.execute()))
    pipe = redis.pipeline(transaction=False)
    renewed, touched = 0, set()
    for token, topics in topics_of.items():
        for topic in topics:
            pipe.zadd(_key(topic), {token: now})
            touched.add(topic)
            renewed += 1
        if topics:
            pipe.expire(_tab_key(token), LIVE_SECONDS * 2)
    for topic in touched:
        pipe.zremrangebyscore(_key(topic), 0, now - LIVE_SECONDS)
        pipe.expire(_key(topic), LIVE_SECONDS * 2)
    await pipe.execute()
    return renewed


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
