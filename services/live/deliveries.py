"""Pushing a batch's events to their tabs, in a web worker's event loop.

Invariant: a tab's events are pushed in the order they were read, one push at a time per tab,
and a tab whose push waits (its state locked by a handler, or by another worker) holds up only
itself: after PATIENCE_SECONDS the consumer reads on, and what that tab is sent meanwhile waits
behind its push (before, one such tab stopped every push of its worker until its lock expired).

Process: the tabs of a batch are served by PARALLEL_TABS lanes; a push applied in memory does not
wait for anything, so the lanes share the loop (LoopShare): after SLICE_SECONDS of pushes, they
all step aside for one turn of the loop, in which the packets made so far leave and the tabs' own
events are read.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable

from services.live.events import LiveEvent

# Tabs served at once: their pushes overlap their waits on the state manager.
PARALLEL_TABS = 64
# How long the pushes run before letting the rest of the loop have a turn.
SLICE_SECONDS = 0.005
# How long a batch may take before the consumer reads on without its slowest tabs.
PATIENCE_SECONDS = 1.0

log = logging.getLogger(__name__)

# Receives one tab's events of a batch, in order: a tab pushed many changes at once (a supervisor's
# during a rush) gets one update for all of them.
Deliver = Callable[[str, list[LiveEvent]], Awaitable[None]]


class LoopShare:
    """The lanes step aside together: once SLICE_SECONDS have passed since their last turn, each
    lane about to push waits for the loop to have run the callbacks made ready meanwhile (one
    lane stepping aside alone would hand the loop to the next lane, not to the writers)."""

    def __init__(self, budget: float = SLICE_SECONDS, clock: Callable[[], float] = time.perf_counter):
        self.budget, self.clock = budget, clock
        self.since = clock()
        self._turn: asyncio.Event | None = None

    async def turn(self) -> None:
        """Before a push: at once, or after the loop's turn if the lanes have had their share
        (looked at again after it: the lanes woken with this one may have used the new share)."""
        while True:
            if self._turn is None:
                if self.clock() - self.since < self.budget:
                    return
                self._turn = asyncio.Event()
                asyncio.get_running_loop().call_soon(self._resume)     # after what is ready now
            await self._turn.wait()

    def _resume(self) -> None:
        turn, self._turn = self._turn, None
        self.since = self.clock()
        turn.set()


class Deliveries:
    """The pushes of one web worker's consumer, its batches' and its broadcasts'."""

    def __init__(self, deliver: Deliver, share: LoopShare | None = None):
        self.deliver, self.share = deliver, share or LoopShare()
        # tab taken by a lane (serving it, or about to) -> its events not yet handed to `deliver`
        self.backlog: dict[str, list[LiveEvent]] = {}
        self.running: set[asyncio.Task] = set()

    async def run(self, per_tab: dict[str, list[LiveEvent]], lanes: int = PARALLEL_TABS,
                  patience: float = PATIENCE_SECONDS) -> None:
        """Push each tab its events; back after all are pushed, or after `patience`."""
        taken = []
        for tab, events in per_tab.items():
            if tab in self.backlog:
                self.backlog[tab].extend(events)       # after what a lane has for it
            else:
                self.backlog[tab] = list(events)
                taken.append(tab)
        queue = iter(taken)

        async def lane():
            for tab in queue:        # lanes share the iterator: each tab is served by one
                await self.share.turn()
                await self._drain(tab)

        tasks = [asyncio.create_task(lane()) for _ in range(min(lanes, len(taken)))]
        if tasks:
            self.running.update(tasks)
            for task in tasks:
                task.add_done_callback(self.running.discard)
            await asyncio.wait(tasks, timeout=patience)

    async def alone(self, tab: str, work: Callable[[], Awaitable[object]]) -> bool:
        """Run `work` on the tab while nothing is pushed to it (what comes meanwhile is pushed
        after it); False, and nothing done, when the tab has pushes under way."""
        if tab in self.backlog:
            return False
        self.backlog[tab] = []
        try:
            await _logged(work(), "lease", tab)
        finally:
            await self._drain(tab)
        return True

    async def _drain(self, tab: str) -> None:
        try:
            while self.backlog[tab]:
                events, self.backlog[tab] = self.backlog[tab], []
                await _logged(self.deliver(tab, events), [e.kind for e in events], tab)
        finally:
            self.backlog.pop(tab, None)

    async def aclose(self) -> None:
        """The consumer stops: pushes under way are cancelled, and the tabs they had not reached
        yet are free again (the consumer that starts next takes them)."""
        for task in list(self.running):
            task.cancel()
        await asyncio.gather(*self.running, return_exceptions=True)
        self.backlog.clear()


async def _logged(work: Awaitable[object], what, tab: str) -> None:
    try:
        await work
    except Exception:  # one broken tab must not stop the others
        log.exception("live %s for tab %s failed", what, tab)
