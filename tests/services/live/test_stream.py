"""The live stream: each event reaches each subscribed tab once, whatever the workers."""
import asyncio
import uuid

from services.infra.redis import get_redis
from services.live import publish, subscribe
from services.live.events import STREAM
from services.live.consumer import BROADCAST_TABS, consume_forever
from services.live.served import ServedTabs
from services.live.subscriptions import subscribers_of


async def _run_consumers(serving: list[set[str] | None], received: list, expected: int,
                         elsewhere: frozenset[str] = frozenset()):
    """One consumer per web worker, each serving the tabs given (None: all); `elsewhere`: tabs
    held by a worker not run here."""
    done = asyncio.Event()
    ready = [asyncio.Event() for _ in serving]

    async def deliver(client_token, events):
        received.extend((client_token, event.data["n"]) for event in events)
        if len(received) >= expected:
            done.set()

    held_somewhere = set(elsewhere).union(*(tabs for tabs in serving if tabs))

    def listeners(tabs):
        if tabs is None:
            return subscribers_of
        return ServedTabs(lambda: set(tabs),
                          lambda tab: True if tab in tabs else False if tab in held_somewhere else None).listeners

    tasks = [asyncio.create_task(consume_forever(deliver, listeners=listeners(tabs), block_ms=100,
                                                 ready=flag.set))
             for tabs, flag in zip(serving, ready)]
    await asyncio.gather(*(flag.wait() for flag in ready))
    return tasks, done


async def _stop(tasks):
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_each_web_worker_pushes_to_the_tabs_it_holds_so_each_tab_gets_each_event_once():
    topic = f"test:{uuid.uuid4().hex}"
    subscribe("tab-1", [topic])
    subscribe("tab-2", [topic])
    received: list = []
    tasks, done = await _run_consumers([{"tab-1"}, {"tab-2", "tab-elsewhere"}], received, 40)
    try:
        for n in range(20):
            publish(topic, "probe", n=n)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert sorted(received) == sorted((tab, n) for tab in ("tab-1", "tab-2") for n in range(20))


async def test_events_without_subscribers_are_dropped():
    listened = f"test:{uuid.uuid4().hex}"
    subscribe("tab-3", [listened])
    received: list = []
    tasks, done = await _run_consumers([None], received, 1)
    try:
        publish(f"test:{uuid.uuid4().hex}", "probe", n=-1)
        publish(listened, "probe", n=7)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert received == [("tab-3", 7)]


async def test_one_event_on_two_topics_reaches_a_tab_listening_to_both_once():
    a, b = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    subscribe("tab-both", [a, b])
    subscribe("tab-b", [b])
    received: list = []
    tasks, done = await _run_consumers([None], received, 4)
    try:
        publish((a, b), "probe", n=1)
        publish(b, "probe", n=2)     # had the first been delivered twice, the four would be wrong
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert sorted(received) == [("tab-b", 1), ("tab-b", 2), ("tab-both", 1), ("tab-both", 2)]


async def test_a_worker_does_not_even_read_the_events_of_tabs_it_does_not_serve():
    mine, theirs = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    subscribe("tab-mine", [mine])
    subscribe("tab-theirs", [theirs])
    received: list = []
    tasks, done = await _run_consumers([{"tab-mine"}], received, 1, elsewhere={"tab-theirs"})
    # data this worker could not read, for a tab of another worker, in the same batch
    unreadable = get_redis().xadd(STREAM, {"topics": theirs, "kind": "probe", "data": "{not json"})
    try:
        publish(mine, "probe", n=5)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
        get_redis().xdel(STREAM, unreadable)     # the stream is shared with the other tests
    assert received == [("tab-mine", 5)]


async def test_a_broadcast_does_not_hold_the_pushes_that_follow_it():
    everyone, one = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    floor = [f"tab-floor-{n}" for n in range(BROADCAST_TABS + 1)]
    for tab in floor:
        subscribe(tab, [everyone])
    subscribe("tab-agent", [one])
    agent_served, broadcast_done = asyncio.Event(), asyncio.Event()
    reached: list[str] = []

    async def deliver(client_token, events):
        if client_token == "tab-agent":
            agent_served.set()
            return
        await agent_served.wait()       # the version reaches the floor only after the agent's change
        reached.append(client_token)
        if len(reached) == len(floor):
            broadcast_done.set()

    ready = asyncio.Event()
    task = asyncio.create_task(consume_forever(deliver, listeners=subscribers_of, block_ms=100,
                                               ready=ready.set))
    await ready.wait()
    try:
        publish(everyone, "probe", n=1)
        publish(one, "probe", n=2)
        await asyncio.wait_for(broadcast_done.wait(), 10)
    finally:
        await _stop([task])
    assert sorted(reached) == sorted(floor)


async def test_a_tab_gets_the_broadcasts_in_the_order_they_were_made():
    everyone = f"test:{uuid.uuid4().hex}"
    floor = [f"tab-order-{n}" for n in range(BROADCAST_TABS + 1)]
    for tab in floor:
        subscribe(tab, [everyone])
    received: list = []
    tasks, done = await _run_consumers([None], received, 3 * len(floor))
    try:
        for n in range(3):
            publish(everyone, "probe", n=n)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop(tasks)
    assert all([n for tab, n in received if tab == t] == [0, 1, 2] for t in floor)


async def test_events_that_follow_one_another_are_read_together():
    topic = f"test:{uuid.uuid4().hex}"
    subscribe("tab-gather", [topic])
    first, done = asyncio.Event(), asyncio.Event()
    pushes: list[list[int]] = []

    async def deliver(client_token, events):
        pushes.append([event.data["n"] for event in events])
        first.set()
        if sum(map(len, pushes)) == 21:
            done.set()

    ready = asyncio.Event()
    task = asyncio.create_task(consume_forever(deliver, listeners=subscribers_of, block_ms=100,
                                               ready=ready.set, gather_seconds=2.0))
    await ready.wait()
    try:
        publish(topic, "probe", n=0)
        await asyncio.wait_for(first.wait(), 10)
        for n in range(1, 21):      # each one published after the previous, as a floor's changes come
            publish(topic, "probe", n=n)
            await asyncio.sleep(0)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await _stop([task])
    assert pushes == [[0], list(range(1, 21))]
