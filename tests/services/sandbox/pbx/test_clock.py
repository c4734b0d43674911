"""The virtual clock moves on only when everything caused by the last wake-up has run (issue 16 item 5)."""
import asyncio
import time

from services.sandbox.pbx import VirtualClock


async def keep_loop_busy(seconds: float) -> None:
    """In-process work that is not finished yet: a chain of callbacks, as TCP round trips make."""
    done = asyncio.get_running_loop().create_future()
    end = time.monotonic() + seconds

    def turn() -> None:
        if time.monotonic() >= end:
            done.set_result(None)
        else:
            asyncio.get_running_loop().call_soon(turn)
    turn()
    await done


async def test_time_stands_still_while_the_loop_still_has_work():
    clock = VirtualClock()
    clock.start()
    try:
        start = clock.time()
        retry_pause = asyncio.ensure_future(clock.sleep(2))
        await keep_loop_busy(0.2)   # 100 times the clock's settle pause
        assert not retry_pause.done() and clock.time() == start
        await asyncio.wait_for(retry_pause, 5)
        assert clock.time() == start + 2
    finally:
        await clock.stop()


async def test_sleepers_wake_in_deadline_order_one_at_a_time():
    clock = VirtualClock()
    clock.start()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.time() - start))
    try:
        start = clock.time()
        await asyncio.wait_for(asyncio.gather(sleeper("ring", 8), sleeper("retry", 2), sleeper("moh", 2)), 5)
        assert woke == [("retry", 2), ("moh", 2), ("ring", 8)]
    finally:
        await clock.stop()
