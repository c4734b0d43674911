"""A tab's subscriptions live while its web worker renews them, and die with the tab."""
import time
import uuid

import redis.asyncio as aioredis

from services.live import subscribe
from services.live.subscriptions import LIVE_SECONDS, RENEW_CHUNK, RENEW_SECONDS, renew, subscribers, subscribers_of
from services.settings import get_settings


def _redis():
    return aioredis.Redis.from_url(get_settings().redis_url, decode_responses=True)


async def test_a_closed_tab_stops_receiving_within_a_minute_while_an_open_one_keeps_receiving():
    topic, t0 = f"test:{uuid.uuid4().hex}", time.time()
    subscribe("open-tab", [topic], now=t0)
    subscribe("closed-tab", [topic], now=t0)
    redis = _redis()
    try:
        assert sorted(await subscribers(redis, topic, now=t0 + 1)) == ["closed-tab", "open-tab"]
        # The worker holding the open tab renews it every RENEW_SECONDS; the closed one is gone.
        for step in range(1, LIVE_SECONDS // RENEW_SECONDS + 2):
            await renew(redis, ["open-tab"], now=t0 + step * RENEW_SECONDS)
        assert await subscribers(redis, topic, now=t0 + LIVE_SECONDS + 1) == ["open-tab"]
        # ... and costs nothing: the sweep removed it from the topic.
        assert await redis.zscore(f"bgc:live:topic:{topic}", "closed-tab") is None
    finally:
        await redis.aclose()


async def test_renewal_keeps_every_topic_of_the_tab_and_one_lookup_answers_for_all():
    a, b, t0 = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}", time.time()
    subscribe("tab", [a, b], now=t0)
    redis = _redis()
    try:
        await renew(redis, ["tab"], now=t0 + 50)
        assert await subscribers_of(redis, [a, b, "test:nobody"], now=t0 + 100) == {
            a: ["tab"], b: ["tab"], "test:nobody": []}
    finally:
        await redis.aclose()


async def test_a_worker_renews_its_many_tabs_and_those_that_subscribed_on_another_worker():
    shared, t0 = f"test:{uuid.uuid4().hex}", time.time()
    here = [f"here-{uuid.uuid4().hex}" for _ in range(RENEW_CHUNK * 2 + 5)]
    for token in here:
        subscribe(token, [shared, f"test:own:{token}"], now=t0)
    elsewhere = f"elsewhere-{uuid.uuid4().hex}"     # its subscription is only in Redis
    redis = _redis()
    try:
        await redis.zadd(f"bgc:live:topic:{shared}", {elsewhere: t0})
        await redis.sadd(f"bgc:live:tab:{elsewhere}", shared)
        assert await renew(redis, [*here, elsewhere], now=t0 + 50) == 2 * len(here) + 1
        later = t0 + LIVE_SECONDS + 10          # past the first subscriptions, not the renewal
        assert sorted(await subscribers(redis, shared, now=later)) == sorted([*here, elsewhere])
        assert await subscribers(redis, f"test:own:{here[-1]}", now=later) == [here[-1]]
    finally:
        await redis.aclose()
