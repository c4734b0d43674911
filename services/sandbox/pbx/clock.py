"""Time sources. Scripted delays ("ring 8 s") go through a clock so tests never sleep real seconds.

* ``RealClock(time_scale)`` sleeps ``seconds * time_scale`` real seconds (1.0 for standalone use).
* ``VirtualClock`` keeps its own time. Sleepers wake strictly in (deadline, creation order), one at a
  time, and only once the event loop is quiescent: nothing ready to run and no socket data waiting for
  several loop turns in a row, after a short real pause. Everything caused by the previous wake-up (the
  TCP round trips of in-process clients included, and a test reacting to an event) therefore happens
  before virtual time moves on, however slow or loaded the machine is. Runs are fast and deterministic.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import time


class RealClock:
    def __init__(self, time_scale: float = 1.0):
        self.time_scale = time_scale
        self._origin = time.time()
        self._started = time.monotonic()

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._started) / (self.time_scale or 1.0)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0) * self.time_scale)

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


class VirtualClock:
    def __init__(self, start: float = 1795677890.0, settle: float = 0.002, idle_turns: int = 5):
        self._now = start
        self._settle = settle
        self._idle_turns = idle_turns
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()
        self._wake = asyncio.Event()
        self._runner: asyncio.Task | None = None

    def time(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + max(seconds, 0), next(self._order), future))
        self._wake.set()
        await future

    def start(self) -> None:
        if self._runner is None:
            self._runner = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._runner:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
            self._runner = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self._settle)
            if not await self._quiescent():
                continue
            self._wake_earliest()
            if not self._sleepers:
                self._wake.clear()

    async def _quiescent(self) -> bool:
        """True when the loop stayed idle for `idle_turns` turns: each turn polls the sockets (select with
        timeout 0) and runs what is ready, so any pending I/O or callback shows up in the ready queue.
        CPython's loop keeps that queue in ``_ready``; a loop without one is treated as idle."""
        loop = asyncio.get_running_loop()
        for _ in range(self._idle_turns):
            await asyncio.sleep(0)
            if len(getattr(loop, "_ready", ())) > 0:
                return False
        return True

    def _wake_earliest(self) -> None:
        while self._sleepers:
            deadline, _, future = heapq.heappop(self._sleepers)
            if future.done():
                continue
            self._now = max(self._now, deadline)
            future.set_result(None)
            return
