"""The Stripe twin served from the test process (no whole product needed), read over HTTP."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import httpx
import stripe

from services.sandbox.stripe.app import stripe_app
from services.sandbox.stripe.store import StripeStore
from tests.support.servers import serving


class StripeTwinServer:
    def __init__(self, base: str, api_key: str):
        self.base = base
        self.client = stripe.StripeClient(api_key, base_addresses={"api": base},
                                          max_network_retries=0)

    def requests(self, path: str = "") -> list[dict]:
        """The API calls the twin received, oldest first."""
        calls = httpx.get(f"{self.base}/_sandbox/requests", timeout=60).json()
        return [c for c in calls if not path or c["path"] == path]

    def lose_next_response(self) -> None:
        httpx.post(f"{self.base}/_sandbox/faults/lose-next-response", timeout=60).raise_for_status()


@contextmanager
def stripe_twin_serving(api_key: str) -> Iterator[StripeTwinServer]:
    def build(base: str):
        store = StripeStore("http://127.0.0.1:9/no-webhooks", "whsec_twin", base)
        store.paused = True  # these tests read the API only; webhooks have their own tests
        return stripe_app(store, api_key)

    with serving(build) as base:
        yield StripeTwinServer(base, api_key)
