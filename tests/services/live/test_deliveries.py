"""Pushing a batch's events: each tab's in order, a stuck tab holding only itself, the loop shared."""
import asyncio
import time

from services.live.deliveries import Deliveries, LoopShare
from services.live.events import LiveEvent


def _batch(tabs, n):
    return {tab: [LiveEvent((f"topic:{tab}",), "probe", {"n": n})] for tab in tabs}


async def test_a_tab_whose_push_waits_holds_only_itself_and_gets_its_later_events_after_it():
    unstuck = asyncio.Event()
    received: list[tuple[str, int]] = []

    async def deliver(tab, events):
        if tab == "tab-stuck" and events[0].data["n"] == 1:
            await unstuck.wait()        # its state locked elsewhere
        received.extend((tab, e.data["n"]) for e in events)

    deliveries = Deliveries(deliver)
    await deliveries.run(_batch(["tab-stuck", "tab-a"], 1), patience=0.05)
    await deliveries.run(_batch(["tab-stuck", "tab-a"], 2), patience=0.05)
    await deliveries.run(_batch(["tab-stuck", "tab-a"], 3), patience=0.05)
    assert received == [("tab-a", 1), ("tab-a", 2), ("tab-a", 3)]
    unstuck.set()
    await asyncio.gather(*deliveries.running)
    assert [n for tab, n in received if tab == "tab-stuck"] == [1, 2, 3]
    assert deliveries.backlog == {}


async def test_pushes_that_never_wait_still_let_the_loop_turn_every_few_milliseconds():
    turns: list[float] = []
    stop = False

    async def the_rest_of_the_loop():        # the sockets' writers, the tabs' own events
        while not stop:
            turns.append(time.perf_counter())
            await asyncio.sleep(0)

    async def deliver(tab, events):          # a push applied in memory: 1 ms of work, no wait
        until = time.perf_counter() + 0.001
        while time.perf_counter() < until:
            pass

    other = asyncio.create_task(the_rest_of_the_loop())
    await asyncio.sleep(0)
    await Deliveries(deliver, LoopShare(budget=0.005)).run(_batch([f"tab-{n}" for n in range(300)], 1))
    stop = True
    await other
    gaps = [b - a for a, b in zip(turns, turns[1:])]
    assert len(turns) > 20
    assert max(gaps) < 0.1      # 300 ms of pushes, never holding the loop for long


async def test_work_alone_on_a_tab_makes_its_pushes_wait_and_is_skipped_while_a_push_is_under_way():
    release = asyncio.Event()
    order: list[str] = []

    async def deliver(tab, events):
        order.append(f"push {events[0].data['n']}")

    async def work():
        order.append("work started")
        await release.wait()
        order.append("work done")

    deliveries = Deliveries(deliver)
    alone = asyncio.create_task(deliveries.alone("tab-1", work))
    await asyncio.sleep(0)
    await deliveries.run(_batch(["tab-1"], 1), patience=0.05)
    assert await deliveries.alone("tab-1", work) is False       # busy: nothing done
    release.set()
    assert await alone is True
    assert order == ["work started", "work done", "push 1"]
