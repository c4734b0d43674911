"""What one web worker serves: the tabs it holds, with the topics they subscribed to here or on
another worker, and for a minute those that lost their socket here; then they cost nothing."""
import uuid

import redis.asyncio as aioredis

from services.live.served import ServedTabs
from services.live.subscriptions import LIVE_SECONDS, LOCAL, LocalSubscriptions, subscribe, unsubscribe
from services.settings import get_settings


class Worker:
    """A web worker's view of the sockets, moved by hand, and its clock."""

    def __init__(self):
        self.sockets: dict[str, bool] = {}        # token -> held here (True) or elsewhere (False)
        self.now = 1000.0
        self.local = LocalSubscriptions()
        self.served = ServedTabs(lambda: {t for t, here in self.sockets.items() if here},
                                 self.sockets.get, self.local, clock=lambda: self.now)

    async def listeners(self, topics):
        self.now += ServedTabs.RESCAN_SECONDS + 0.1
        async with aioredis.Redis.from_url(get_settings().redis_url, decode_responses=True) as redis:
            return await self.served.listeners(redis, topics)


def _topic() -> str:
    return f"test:{uuid.uuid4().hex}"


async def test_a_tab_arriving_from_another_worker_brings_the_topics_it_subscribed_to_there():
    topic, tab = _topic(), f"tab-{uuid.uuid4().hex}"
    subscribe(tab, [topic])             # on the other worker: in Redis (and in this process's copy)
    worker = Worker()
    assert await worker.listeners({topic}) == {}
    worker.sockets[tab] = True
    assert await worker.listeners({topic}) == {topic: [tab]}


async def test_a_tab_that_lost_its_socket_is_served_a_minute_then_forgotten():
    topic, tab, other = _topic(), "tab-lost", "tab-kept"
    worker = Worker()
    worker.local.add(tab, [topic])
    worker.local.add(other, [topic])
    worker.sockets.update({tab: True, other: True})
    assert sorted((await worker.listeners({topic}))[topic]) == [other, tab]
    del worker.sockets[tab]
    assert sorted((await worker.listeners({topic}))[topic]) == [other, tab]   # may come back
    worker.now += LIVE_SECONDS
    assert await worker.listeners({topic}) == {topic: [other]}
    assert tab not in worker.local.topics_of and worker.local.tabs_of[topic] == {other}


async def test_a_tab_that_moved_to_another_worker_is_left_to_it():
    topic, tab = _topic(), "tab-moving"
    worker = Worker()
    worker.local.add(tab, [topic])
    worker.sockets[tab] = True
    assert await worker.listeners({topic}) == {topic: [tab]}
    worker.sockets[tab] = False
    assert await worker.listeners({topic}) == {}
    assert worker.local.topics_of == {}


async def test_a_tab_that_unsubscribes_here_stops_receiving_at_once():
    topic, tab = _topic(), f"tab-{uuid.uuid4().hex}"
    worker = Worker()
    worker.served.local = LOCAL         # the copy that subscribe() and unsubscribe() keep
    subscribe(tab, [topic])
    worker.sockets[tab] = True
    assert await worker.listeners({topic}) == {topic: [tab]}
    unsubscribe(tab, [topic])
    assert await worker.listeners({topic}) == {}


async def test_a_tab_that_closed_before_the_worker_looked_is_forgotten_too():
    topic, tab = _topic(), "tab-brief"
    worker = Worker()
    worker.local.add(tab, [topic])      # subscribed, its socket already gone at the next scan
    await worker.listeners({topic})
    worker.now += LIVE_SECONDS
    assert await worker.listeners({topic}) == {}
    assert worker.local.topics_of == {} and worker.local.tabs_of == {}
