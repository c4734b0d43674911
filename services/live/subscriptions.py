"""Which browser tabs listen to which topics, kept in Redis with an expiry."""
from __future__ import annotations

import time

from services.infra.redis import get_redis

# A tab that has not re-subscribed (page load) for this long is forgotten.
TTL_SECONDS = 12 * 3600


def _key(topic: str) -> str:
    return f"bgc:live:topic:{topic}"


def subscribe(client_token: str, topics: list[str]) -> None:
    now = time.time()
    pipe = get_redis().pipeline()
    for topic in topics:
        pipe.zadd(_key(topic), {client_token: now})
        pipe.zremrangebyscore(_key(topic), 0, now - TTL_SECONDS)
        pipe.expire(_key(topic), TTL_SECONDS)
    pipe.execute()


def unsubscribe(client_token: str, topics: list[str]) -> None:
    pipe = get_redis().pipeline()
    for topic in topics:
        pipe.zrem(_key(topic), client_token)
    pipe.execute()


async def subscribers(redis, topic: str) -> list[str]:
    """Tabs subscribed to `topic` (async: called from the web process's listener)."""
    return await redis.zrangebyscore(_key(topic), time.time() - TTL_SECONDS, "+inf")
