"""The live stream: each event reaches each subscribed tab once, whatever the workers."""
import asyncio
import uuid

from services.infra.redis import get_redis
from services.live import publish, subscribe
from services.live.consumer import consume_forever
from services.live.events import STREAM


async def _run_consumers(group: str, names: list[str], received: list, expected: int):
    done = asyncio.Event()
    ready = [asyncio.Event() for _ in names]

    async def deliver(client_token, events):
        received.extend((client_token, event.data["n"]) for event in events)
        if len(received) >= expected:
            done.set()

    tasks = [asyncio.create_task(consume_forever(deliver, group=group, name=name,
                                                 block_ms=100, ready=flag.set))
             for name, flag in zip(names, ready)]
    await asyncio.gather(*(flag.wait() for flag in ready))
    return tasks, done


async def _stop(tasks):
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_two_web_workers_handle_each_event_once_for_every_subscriber():
    topic, group = f"test:{uuid.uuid4().hex}", f"g-{uuid.uuid4().hex}"
    subscribe("tab-1", [topic])
    subscribe("tab-2", [topic])
    received: list = []
    tasks, done = await _run_consumers(group, ["worker-a", "worker-b"], received, 40)
    try:
        for n in range(20):
            publish(topic, "probe", n=n)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert sorted(received) == sorted((tab, n) for tab in ("tab-1", "tab-2") for n in range(20))
    assert get_redis().xpending(STREAM, group)["pending"] == 0


async def test_events_without_subscribers_are_acknowledged_and_dropped():
    group = f"g-{uuid.uuid4().hex}"
    listened = f"test:{uuid.uuid4().hex}"
    subscribe("tab-3", [listened])
    received: list = []
    tasks, done = await _run_consumers(group, ["worker-c"], received, 1)
    try:
        publish(f"test:{uuid.uuid4().hex}", "probe", n=-1)
        publish(listened, "probe", n=7)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert received == [("tab-3", 7)]
    assert get_redis().xpending(STREAM, group)["pending"] == 0


async def test_one_event_on_two_topics_reaches_a_tab_listening_to_both_once():
    group = f"g-{uuid.uuid4().hex}"
    a, b = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    subscribe("tab-both", [a, b])
    subscribe("tab-b", [b])
    received: list = []
    tasks, done = await _run_consumers(group, ["worker-d"], received, 4)
    try:
        publish((a, b), "probe", n=1)
        publish(b, "probe", n=2)     # had the first been delivered twice, the four would be wrong
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert sorted(received) == [("tab-b", 1), ("tab-b", 2), ("tab-both", 1), ("tab-both", 2)]
    assert get_redis().xpending(STREAM, group)["pending"] == 0
