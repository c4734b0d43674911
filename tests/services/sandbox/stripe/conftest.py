"""The Stripe twin served from the test process, and the official SDK pointed at it."""
from __future__ import annotations

import httpx
import pytest
import stripe

from services.sandbox.stripe.app import stripe_app
from services.sandbox.stripe.store import StripeStore
from tests.support.servers import serving

API_KEY = "sk_test_twin"


class StripeTwinServer:
    def __init__(self, base: str):
        self.base = base
        self.client = stripe.StripeClient(API_KEY, base_addresses={"api": base},
                                          max_network_retries=0)

    def requests(self) -> list[dict]:
        return httpx.get(f"{self.base}/_sandbox/requests").json()


@pytest.fixture(scope="module")
def stripe_twin():
    def build(base: str):
        store = StripeStore("http://127.0.0.1:9/no-webhooks", "whsec_twin", base)
        store.paused = True  # these tests read the API only
        return stripe_app(store, API_KEY)

    with serving(build) as base:
        yield StripeTwinServer(base)
