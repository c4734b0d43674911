"""What the twin holds: Checkout Sessions, PaymentIntents, events and their deliveries."""
from __future__ import annotations

import copy
import json
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import httpx

from services.sandbox.stripe.wire import new_id, sign

API_VERSION = "2023-10-16"
RETRY_DELAYS = (0.5, 1, 2, 4, 8, 15)
IDEMPOTENCY_SECONDS = 24 * 3600  # how long Stripe keeps a key's first result


@dataclass(frozen=True)
class IdempotentResult:
    """The first request made with a key: what it asked, what it got, and when."""
    params: dict
    body: dict
    at: float


@dataclass
class Delivery:
    event_id: str
    attempts: int = 0
    last_status: int | None = None
    delivered: bool = False


@dataclass
class StripeStore:
    webhook_url: str
    webhook_secret: str
    hosted_base: str
    sessions: dict[str, dict] = field(default_factory=dict)
    intents: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    idempotent: dict[str, IdempotentResult] = field(default_factory=dict)
    requests: deque = field(default_factory=lambda: deque(maxlen=1000))  # recent API calls
    paused: bool = False
    lose_next_response: bool = False  # the next API answer is lost on the way (a 502)

    def __post_init__(self):
        self.lock = threading.RLock()
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._deliver_forever, daemon=True).start()

    # --- idempotent requests -----------------------------------------------------------
    def first_result(self, key: str) -> IdempotentResult | None:
        with self.lock:
            saved = self.idempotent.get(key)
            if saved and time.time() - saved.at > IDEMPOTENCY_SECONDS:
                del self.idempotent[key]
                return None
            return saved

    def remember(self, key: str, params: dict, body: dict) -> None:
        with self.lock:
            self.idempotent[key] = IdempotentResult(copy.deepcopy(params), body, time.time())

    # --- objects ----------------------------------------------------------------------
    def create_session(self, params: dict) -> dict:
        now = int(time.time())
        items = params.get("line_items") or []
        amount = sum(int(i.get("price_data", {}).get("unit_amount", 0)) * int(i.get("quantity", 1))
                     for i in items)
        currency = (items[0].get("price_data", {}).get("currency", "") if items else "").lower()
        sid = new_id("cs")
        session = {
            "id": sid, "object": "checkout.session", "after_expiration": None,
            "allow_promotion_codes": None, "amount_subtotal": amount, "amount_total": amount,
            "automatic_tax": {"enabled": False, "status": None},
            "billing_address_collection": None, "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"), "consent": None,
            "consent_collection": None, "created": now, "currency": currency,
            "custom_fields": [], "custom_text": {}, "customer": None,
            "customer_creation": "if_required", "customer_details": None,
            "customer_email": params.get("customer_email"), "expires_at": now + 86400,
            "invoice": None, "invoice_creation": None, "livemode": False,
            "locale": params.get("locale"), "metadata": params.get("metadata") or {},
            "mode": params.get("mode", "payment"), "payment_intent": None,
            "payment_link": None, "payment_method_collection": "if_required",
            "payment_method_options": {}, "payment_method_types": ["card"],
            "payment_status": "unpaid", "phone_number_collection": {"enabled": False},
            "recovered_from": None, "setup_intent": None, "shipping_address_collection": None,
            "shipping_cost": None, "shipping_details": None, "shipping_options": [],
            "status": "open", "submit_type": None, "subscription": None,
            "success_url": params.get("success_url"), "total_details": {
                "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "url": f"{self.hosted_base}/pay/{sid}",
            "_payment_intent_data": params.get("payment_intent_data") or {},
            "_line_items": items,
        }
        with self.lock:
            self.sessions[sid] = session
        return session

    def intent_for(self, session: dict) -> dict:
        """The session's PaymentIntent, created at the first card attempt."""
        with self.lock:
            if session["payment_intent"]:
                return self.intents[session["payment_intent"]]
            pid = new_id("pi")
            intent = {
                "id": pid, "object": "payment_intent", "amount": session["amount_total"],
                "amount_received": 0, "capture_method": "automatic",
                "client_secret": f"{pid}_secret_{new_id('x')[2:]}",
                "confirmation_method": "automatic", "created": int(time.time()),
                "currency": session["currency"], "customer": None,
                "description": None, "last_payment_error": None, "latest_charge": None,
                "livemode": False,
                "metadata": session["_payment_intent_data"].get("metadata") or {},
                "next_action": None, "payment_method": None,
                "payment_method_types": ["card"], "status": "requires_payment_method",
            }
            self.intents[pid] = intent
            session["payment_intent"] = pid
            return intent

    @staticmethod
    def public(obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def session_view(self, sid: str, expand: list[str]) -> dict | None:
        with self.lock:
            session = self.sessions.get(sid)
            if session is None:
                return None
            view = copy.deepcopy(self.public(session))
            if "payment_intent" in expand and view["payment_intent"]:
                view["payment_intent"] = copy.deepcopy(self.intents[view["payment_intent"]])
            return view

    # --- what a card attempt does -----------------------------------------------------
    def succeed(self, session: dict, card: dict) -> None:
        with self.lock:
            intent = self.intent_for(session)
            intent.update(status="succeeded", amount_received=intent["amount"],
                          last_payment_error=None, next_action=None,
                          payment_method=new_id("pm"), latest_charge=new_id("ch"))
            session.update(status="complete", payment_status="paid", customer_details={
                "email": session["customer_email"], "name": card.get("name") or None,
                "address": None, "phone": None, "tax_exempt": "none", "tax_ids": []})
            self.emit("payment_intent.succeeded", intent)
            self.emit("checkout.session.completed", self.public(session))

    def fail(self, session: dict, code: str, decline_code: str | None, message: str) -> None:
        with self.lock:
            intent = self.intent_for(session)
            intent.update(status="requires_payment_method", next_action=None, last_payment_error={
                "type": "card_error", "code": code, "decline_code": decline_code,
                "message": message, "payment_method": {"id": new_id("pm"), "type": "card"},
                "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"})
            self.emit("payment_intent.payment_failed", intent)

    def require_action(self, session: dict) -> None:
        with self.lock:
            intent = self.intent_for(session)
            intent.update(status="requires_action", last_payment_error=None,
                          next_action={"type": "use_stripe_sdk"})
            self.emit("payment_intent.requires_action", intent)

    # --- events and deliveries --------------------------------------------------------
    def emit(self, type_: str, obj: dict) -> dict:
        event = {"id": new_id("evt"), "object": "event", "api_version": API_VERSION,
                 "created": int(time.time()), "data": {"object": copy.deepcopy(obj)},
                 "livemode": False, "pending_webhooks": 1,
                 "request": {"id": new_id("req"), "idempotency_key": None}, "type": type_}
        with self.lock:
            self.events.append(event)
            self.deliveries[event["id"]] = Delivery(event["id"])
        if not self.paused:
            self._queue.put(event["id"])
        return event

    def event(self, event_id: str) -> dict | None:
        with self.lock:
            return next((e for e in self.events if e["id"] == event_id), None)

    def deliver(self, event_id: str) -> int | None:
        """POST the event to the product's endpoint, signed; returns the HTTP status."""
        event = self.event(event_id)
        payload = json.dumps(event)
        delivery = self.deliveries[event_id]
        delivery.attempts += 1
        try:
            response = httpx.post(self.webhook_url, content=payload.encode(), timeout=10,
                                  headers={"Content-Type": "application/json; charset=utf-8",
                                           "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                                           "Stripe-Signature": sign(payload, self.webhook_secret)})
            delivery.last_status = response.status_code
        except httpx.HTTPError:
            delivery.last_status = None
        delivery.delivered = delivery.last_status is not None and 200 <= delivery.last_status < 300
        return delivery.last_status

    def _deliver_forever(self) -> None:
        while True:
            event_id = self._queue.get()
            self.deliver(event_id)
            delivery = self.deliveries[event_id]
            if not delivery.delivered and delivery.attempts <= len(RETRY_DELAYS):
                retry = threading.Timer(RETRY_DELAYS[delivery.attempts - 1],
                                        self._queue.put, [event_id])
                retry.daemon = True
                retry.start()
