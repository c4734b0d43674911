"""The far side of the product's PBX simulator, from a test: an AMI client on its own event loop thread
(Playwright's sync API owns the main thread's loop). Events are collected and awaited by condition."""
from __future__ import annotations

import asyncio
import threading

from services.stack.processes import OBSERVER
from services.voice.gateway import PbxConfig, PbxGateway


class AmiProbe:
    def __init__(self, port: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.events: list[dict] = []
        user, secret = OBSERVER.split(":")       # the bridge holds the main user's one login
        self.gateway = PbxGateway(PbxConfig("127.0.0.1", port, user, secret))
        self.gateway.on_raw(lambda message: self.events.append(dict(message)))
        self.call(self.gateway.start(wait=20))

    def call(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def wait_event(self, name: str, timeout: float = 20, **fields: str) -> dict:
        return self.wait_for(lambda event: event.get("Event") == name
                             and all(event.get(k) == v for k, v in fields.items()), timeout)

    def wait_for(self, matches, timeout: float = 20) -> dict:
        """The first event, already seen or still to come, for which `matches(event)` is true."""
        async def scan():
            seen = 0
            while True:
                for event in self.events[seen:]:
                    if matches(event):
                        return event
                seen = len(self.events)
                await asyncio.sleep(0.02)   # events arrive on this loop; re-check after each turn
        return self.call(asyncio.wait_for(scan(), timeout), timeout + 1)

    def close(self) -> None:
        self.gateway.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
