"""Billing fixtures: a tenant waiting for payment, and control of the Stripe twin."""
from __future__ import annotations

import uuid

import httpx
import pytest

from services.billing.cart import save_cart
from services.billing.wallet import open_wallet
from services.db.engine import platform_session
from services.db.tenancy import create_tenant
from services.models.platform import Role, TenantStatus
from tests.support.accounts import context_for


@pytest.fixture
def pending_admin():
    """The admin context of a new tenant in PENDING_PAYMENT with a cart."""
    slug = "p" + uuid.uuid4().hex[:10]
    tenant = create_tenant(slug, f"Entreprise {slug}", "CM", "XAF",
                           status=TenantStatus.PENDING_PAYMENT)
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    ctx = context_for(tenant, Role.ADMIN)
    save_cart(ctx, ["voice", "sms"], 2, {"voice": 1000, "sms": 2000})
    return ctx


class StripeTwin:
    def __init__(self, sandbox_url: str, api_key: str):
        self.base = f"{sandbox_url}/stripe"
        self.api_key = api_key

    def pause_webhooks(self):
        httpx.post(f"{self.base}/_sandbox/webhooks/pause", timeout=60).raise_for_status()

    def resume_webhooks(self):
        httpx.post(f"{self.base}/_sandbox/webhooks/resume", timeout=60).raise_for_status()

    def events(self, checkout_id: str) -> list[dict]:
        return httpx.get(f"{self.base}/_sandbox/events",
                         params={"checkout_session": checkout_id}, timeout=60).json()

    def event_payload(self, event_id: str) -> str:
        r = httpx.get(f"{self.base}/v1/events/{event_id}",
                      headers={"Authorization": f"Bearer {self.api_key}"}, timeout=60)
        r.raise_for_status()
        return r.text

    def deliver(self, event_id: str) -> int:
        return httpx.post(f"{self.base}/_sandbox/events/{event_id}/deliver", timeout=60).json()["status"]

    def pay(self, checkout_url: str, card: str) -> httpx.Response:
        """What a person does on the hosted page: type a card and submit."""
        return httpx.post(checkout_url, data={"card_number": card, "expiry": "12 / 34",
                                              "cvc": "123", "name": "Awa Mbarga"}, timeout=60)


@pytest.fixture
def twin(product):
    from services.settings import get_settings

    t = StripeTwin(product.sandbox_url, get_settings().stripe_api_key)
    yield t
    t.resume_webhooks()
