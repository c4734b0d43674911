"""How the twins call the product back (Twilio's status callbacks, SendGrid's Event Webhook,
Meta's webhooks): one kept-alive HTTP client per twin and at most AT_ONCE requests in flight.

The rest wait their turn on a semaphore, not in httpx's connection pool: thousands of requests
queued in the pool cost a scan of the queue each, which stalled the sandbox's event loop under a
burst (20,000 SMS; or 1,000 contacts on three channels, whose emails and WhatsApp statuses
queued unbounded beside the SMS callbacks). A stalled loop answers nothing, not even the
providers' APIs, and its callbacks time out and are lost. Time spent waiting for a turn does
not count toward a request's timeout."""
from __future__ import annotations

import asyncio

import httpx

AT_ONCE = 50
TIMEOUT_SECONDS = 10


class Callbacks:
    def __init__(self, at_once: int = AT_ONCE, timeout: float = TIMEOUT_SECONDS):
        self.at_once, self.timeout = at_once, timeout
        self.http: httpx.AsyncClient | None = None  # one client: making one per call costs ~100 ms
        self.slots: asyncio.Semaphore | None = None

    async def post(self, url: str, **request) -> int:
        """POST and give the product's status code, or 0 when it could not be reached."""
        if self.http is None:  # in the running loop
            self.http = httpx.AsyncClient(timeout=self.timeout, limits=httpx.Limits(
                max_connections=self.at_once, max_keepalive_connections=self.at_once))
            self.slots = asyncio.Semaphore(self.at_once)
        async with self.slots:
            try:
                return (await self.http.post(url, **request)).status_code
            except httpx.HTTPError:
                return 0
