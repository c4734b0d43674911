"""Taking a payment: the interface every payment gateway adapter implements.

The flow is the same for every gateway (Stripe today, a mobile-money gateway for
XAF/XOF later): create a checkout -> redirect the person -> receive a verified webhook
-> re-query the checkout's status from the gateway before acting on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class CheckoutRequest:
    reference: str  # our payment id; comes back in webhooks and statuses
    amount: int  # minor units, tax included
    currency: str
    description: str
    customer_email: str
    success_url: str
    cancel_url: str
    idempotency_key: str  # stored with the payment: a retry reuses it, no other payment has it
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Checkout:
    id: str
    redirect_url: str


@dataclass(frozen=True)
class CheckoutStatus:
    id: str
    state: str  # open, paid, failed, expired
    amount: int
    currency: str
    reference: str
    transaction_id: str = ""
    failure_code: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    id: str
    type: str
    checkout_id: str = ""
    reference: str = ""


class WebhookRejected(ValueError):
    """Bad signature, stale timestamp or unreadable body: answer 400, change nothing."""


class PaymentGatewayError(RuntimeError):
    pass


class PaymentGateway(Protocol):
    name: str

    def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def fetch_checkout(self, checkout_id: str) -> CheckoutStatus: ...

    def parse_webhook(self, payload: bytes, headers: dict[str, str]) -> GatewayEvent: ...


def get_payment_gateway(currency: str = "") -> PaymentGateway:
    """The gateway for a currency; Stripe for all of them until mobile money joins."""
    from services.providers.payments.stripe import StripeGateway

    return StripeGateway.from_settings()
