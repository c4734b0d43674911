"""The twins' callbacks under a burst: never more than their share in flight, and none lost
for having waited its turn longer than a request's timeout."""
from __future__ import annotations

import asyncio
import threading

import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from services.sandbox.callbacks import Callbacks
from tests.support.ports import free_port
from tests.support.waiting import wait_until


class SlowProduct:
    """A webhook route that takes 0.1 s per request and counts how many it holds at once."""

    def __init__(self):
        self.now = self.most = self.seen = 0
        self.port = free_port()

        async def hook(request):
            self.now += 1
            self.most = max(self.most, self.now)
            await asyncio.sleep(0.1)
            self.now -= 1
            self.seen += 1
            return Response(status_code=200)

        self.server = uvicorn.Server(uvicorn.Config(
            Starlette(routes=[Route("/hook", hook, methods=["POST"])]), host="127.0.0.1",
            port=self.port, log_level="warning"))
        threading.Thread(target=self.server.run, daemon=True).start()
        wait_until(lambda: self.server.started, timeout=10, what="the slow route up")


def test_a_burst_waits_its_turn_and_every_callback_arrives():
    product = SlowProduct()
    callbacks = Callbacks(at_once=3, timeout=1)  # 60 × 0.1 s / 3: the last waits ~2 s

    async def burst() -> list[int]:
        return await asyncio.gather(*(callbacks.post(f"http://127.0.0.1:{product.port}/hook",
                                                     content=b"{}") for _ in range(60)))
    try:
        assert asyncio.run(burst()) == [200] * 60
    finally:
        product.server.should_exit = True
    assert (product.seen, product.most) == (60, 3)
