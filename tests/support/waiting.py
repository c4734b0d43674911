"""Waiting on a condition the product reaches asynchronously (workers, webhooks, the PBX)."""
from __future__ import annotations

import asyncio
import inspect
import time

from services.infra.redis import get_redis
from services.live.events import STREAM

# How long a test waits for what the product does asynchronously before it fails: a give-up bound, as wide
# as the browser's; a passing wait returns as soon as the condition holds.
GIVE_UP_SECONDS = 60


def wait_until(condition, timeout: float = GIVE_UP_SECONDS, what="condition"):
    """Return the first truthy value of `condition()`; fail after `timeout` seconds (a give-up bound,
    as wide as the browser's: a passing wait returns as soon as the condition holds, and a loaded
    machine's workers may be slow to get there).

    The condition is checked again as soon as the product publishes a live event (most of its state
    changes do), and at least every 100 ms for what it does not announce (the PBX, the sandbox inbox).
    `what` names the condition, or is called to describe where things stand when it is not reached.
    """
    deadline, seen = time.monotonic() + timeout, "$"
    redis = get_redis()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what() if callable(what) else what} not reached within {timeout} s")
        news = redis.xread({STREAM: seen}, count=100, block=100)
        if news:
            seen = news[0][1][-1][0]


async def until(condition, timeout: float = GIVE_UP_SECONDS, blocking: bool = False):
    """`wait_until` for async tests: the first truthy value of `condition()`, a plain or an async
    function, checked every 10 ms; `blocking`: it waits on something (the database), so it runs in a
    thread and the event loop goes on meanwhile. Fails after `timeout` seconds (a give-up bound)."""
    async def poll():
        while True:
            value = await asyncio.to_thread(condition) if blocking else condition()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            await asyncio.sleep(0.01)
    return await asyncio.wait_for(poll(), timeout)
