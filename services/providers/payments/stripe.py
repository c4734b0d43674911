"""Stripe Checkout through the official SDK; the sandbox twin serves the same API."""
from __future__ import annotations

import stripe as stripe_sdk

from services.providers.payments import (
    Checkout, CheckoutRequest, CheckoutStatus, GatewayEvent, PaymentGatewayError,
    WebhookRejected,
)
from services.settings import get_settings

TOLERANCE_SECONDS = 300
# Events whose object leads to a Checkout Session we re-query.
_SESSION_EVENTS = {"checkout.session.completed", "checkout.session.expired",
                   "checkout.session.async_payment_succeeded",
                   "checkout.session.async_payment_failed"}


class StripeGateway:
    name = "stripe"

    def __init__(self, api_key: str, api_base: str, webhook_secret: str):
        self._client = stripe_sdk.StripeClient(
            api_key, base_addresses={"api": api_base} if api_base else None,
            max_network_retries=2)
        self._webhook_secret = webhook_secret

    @classmethod
    def from_settings(cls) -> "StripeGateway":
        s = get_settings()
        return cls(s.stripe_api_key, s.stripe_api_base, s.stripe_webhook_secret)

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        metadata = {"reference": request.reference, **request.metadata}
        try:
            session = self._client.v1.checkout.sessions.create(params={
                "mode": "payment",
                "line_items": [{"quantity": 1, "price_data": {
                    "currency": request.currency.lower(), "unit_amount": request.amount,
                    "product_data": {"name": request.description}}}],
                "customer_email": request.customer_email,
                "client_reference_id": request.reference,
                "success_url": request.success_url,
                "cancel_url": request.cancel_url,
                "metadata": metadata,
                "payment_intent_data": {"metadata": metadata},
            }, options={"idempotency_key": request.idempotency_key})
        except stripe_sdk.StripeError as exc:
            raise PaymentGatewayError(f"Stripe: {exc.user_message or exc}") from exc
        return Checkout(id=session.id, redirect_url=session.url)

    def fetch_checkout(self, checkout_id: str) -> CheckoutStatus:
        try:
            session = self._client.v1.checkout.sessions.retrieve(
                checkout_id, params={"expand": ["payment_intent"]})
        except stripe_sdk.StripeError as exc:
            raise PaymentGatewayError(f"Stripe: {exc.user_message or exc}") from exc
        data = session.to_dict()
        intent = data.get("payment_intent")
        failure = ""
        if isinstance(intent, dict) and intent.get("last_payment_error"):
            error = intent["last_payment_error"]
            failure = error.get("decline_code") or error.get("code") or "card_declined"
        if data.get("payment_status") == "paid":
            state = "paid"
        elif data.get("status") == "expired":
            state = "expired"
        elif failure:
            state = "failed"
        else:
            state = "open"
        return CheckoutStatus(
            id=data["id"], state=state, amount=data.get("amount_total") or 0,
            currency=(data.get("currency") or "").upper(),
            reference=(data.get("metadata") or {}).get("reference", "")
            or data.get("client_reference_id") or "",
            transaction_id=intent.get("id", "") if isinstance(intent, dict) else (intent or ""),
            failure_code=failure)

    def parse_webhook(self, payload: bytes, headers: dict[str, str]) -> GatewayEvent:
        signature = headers.get("stripe-signature")
        try:
            event = stripe_sdk.Webhook.construct_event(
                payload, signature, self._webhook_secret, tolerance=TOLERANCE_SECONDS)
        except (stripe_sdk.SignatureVerificationError, ValueError) as exc:
            raise WebhookRejected(str(exc)) from exc
        obj = event.data.object.to_dict()
        metadata = obj.get("metadata") or {}
        if event.type in _SESSION_EVENTS:
            checkout_id = obj.get("id", "")
        else:
            checkout_id = ""
        return GatewayEvent(id=event.id, type=event.type, checkout_id=checkout_id,
                            reference=metadata.get("reference", "")
                            or obj.get("client_reference_id") or "")
