"""The tabs one web worker pushes to, and the topics they listen to.

A worker serves the tabs whose socket it holds and, for LIVE_SECONDS, those that lost their socket
here and did not reappear on another worker (a reconnecting tab then hydrates with what it missed).
Their subscriptions were made here (services/live/subscriptions.LOCAL), or, for a tab that arrived
from another worker, are read from Redis once when it arrives: finding a batch's listeners asks
nothing of Redis, and a tab gone for a minute is forgotten and costs nothing.
"""
from __future__ import annotations

import time
from typing import Callable, Iterable

from services.live.subscriptions import LIVE_SECONDS, LOCAL, LocalSubscriptions, subscriptions_of

# Whether this worker holds the tab's socket: True, another worker holds it: False, no one: None.
Holder = Callable[[str], "bool | None"]


class ServedTabs:
    RESCAN_SECONDS = 1.0

    def __init__(self, held: Callable[[], set[str]], holder: Holder,
                 local: LocalSubscriptions = LOCAL, clock: Callable[[], float] = time.monotonic) -> None:
        self.held_now, self.holder, self.local, self.clock = held, holder, local, clock
        self.held: set[str] = set()
        self.lost_at: dict[str, float] = {}
        self.scanned = 0.0

    async def _rescan(self, redis) -> None:
        now, held = self.clock(), self.held_now()
        # lost since the last scan, or subscribed and closed between two scans
        for token in (self.held | self.local.topics_of.keys()) - held:
            self.lost_at.setdefault(token, now)
        for token in [t for t, at in self.lost_at.items()
                      if t in held or self.holder(t) is not None or now - at > LIVE_SECONDS]:
            del self.lost_at[token]          # back here, moved to another worker, or gone
            if token not in held:
                self.local.forget(token)
        arrived = held - self.held
        self.held, self.scanned = held, now
        for token, topics in (await subscriptions_of(redis, arrived)).items():
            self.local.add(token, topics)    # a tab that subscribed on another worker

    def serves(self, token: str) -> bool:
        holder = self.holder(token)
        if holder is not None:
            return holder
        return token in self.lost_at or token in self.held       # lost since the last scan

    async def listeners(self, redis, topics: Iterable[str]) -> dict[str, list[str]]:
        """The served tabs listening to each topic."""
        if self.clock() - self.scanned > self.RESCAN_SECONDS:
            await self._rescan(redis)
        found = {}
        for topic in topics:
            tabs = [tab for tab in self.local.listening(topic) if self.serves(tab)]
            if tabs:
                found[topic] = tabs
        return found
