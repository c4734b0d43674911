"""The Stripe webhook endpoint: signatures, tolerance, once per event, any order.

The real stripe SDK talks to the Stripe twin; the twin signs and POSTs its events to the
running product, whose endpoint verifies them and re-queries the checkout before acting.
"""
import hashlib
import hmac
import json
import time

import httpx

from services.billing.payments import payment_progress, start_checkout
from services.billing.wallet import ledger_sum, wallet_of
from services.db.engine import platform_session
from services.models.billing import GatewayEvent
from services.settings import get_settings
from tests.support.waiting import wait_until

SEATS = 2 * 15000  # two agents at the default XAF seat price
NET = SEATS + 1000 * 50 + 2000 * 25


def _checkout_id(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _header(payload: str, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _post(payload: str, header: str) -> httpx.Response:
    return httpx.post(get_settings().stripe_webhook_url, content=payload.encode(),
                      headers={"Stripe-Signature": header, "Content-Type": "application/json"}, timeout=60)


def _signed_post(payload: str, secret: str, timestamp: int) -> httpx.Response:
    return _post(payload, _header(payload, secret, timestamp))


def _event(twin, checkout_id, type_):
    return next(e for e in twin.events(checkout_id) if e["type"] == type_)


def _stored_event(event_id):
    with platform_session() as s:
        return s.get(GatewayEvent, event_id)


def test_payment_credits_the_wallet_once_the_signed_webhook_arrives(pending_admin, twin):
    url = start_checkout(pending_admin)
    assert twin.pay(url, "4242 4242 4242 4242").status_code == 303
    view = wait_until(lambda: (v := payment_progress(pending_admin, checkout_id=_checkout_id(url)))
                      and v.status == "succeeded" and v, what="payment confirmed")
    assert view.total == "155\u202f025 FCFA"  # 130 000 + 19.25 % VAT
    wallet = wallet_of(pending_admin.tenant_id)
    assert wallet.balance == NET - SEATS == ledger_sum(pending_admin.tenant_id)
    wait_until(lambda: payment_progress(pending_admin, checkout_id=_checkout_id(url))
               .tenant_status == "ACTIVE", what="tenant provisioned")


def test_bad_signature_and_stale_timestamp_are_refused_and_change_nothing(pending_admin, twin):
    secret = get_settings().stripe_webhook_secret
    twin.pause_webhooks()
    url = start_checkout(pending_admin)
    checkout = _checkout_id(url)
    twin.pay(url, "4242424242424242")
    completed = _event(twin, checkout, "checkout.session.completed")
    payload = twin.event_payload(completed["id"])

    forged = _signed_post(payload, "whsec_not_the_secret", int(time.time()))
    # a signature made for another body does not fit this one
    tampered = _post(payload, _header(payload.replace('"paid"', '"unpaid"'), secret,
                                      int(time.time())))
    stale = _signed_post(payload, secret, int(time.time()) - 301)
    unsigned = httpx.post(get_settings().stripe_webhook_url, content=payload.encode(), timeout=60)
    assert [r.status_code for r in (forged, tampered, stale, unsigned)] == [400, 400, 400, 400]
    assert payment_progress(pending_admin, checkout_id=checkout).status == "pending"
    assert wallet_of(pending_admin.tenant_id).balance == 0
    assert _stored_event(completed["id"]) is None

    fresh = _signed_post(payload, secret, int(time.time()) - 30)  # within the 300 s tolerance
    assert fresh.status_code == 200 and fresh.json()["outcome"] == "processed"
    assert payment_progress(pending_admin, checkout_id=checkout).status == "succeeded"


def test_the_same_event_twice_credits_once(pending_admin, twin):
    twin.pause_webhooks()
    url = start_checkout(pending_admin)
    checkout = _checkout_id(url)
    twin.pay(url, "4242424242424242")
    completed = _event(twin, checkout, "checkout.session.completed")
    assert twin.deliver(completed["id"]) == 200
    assert twin.deliver(completed["id"]) == 200
    succeeded = _event(twin, checkout, "payment_intent.succeeded")
    assert twin.deliver(succeeded["id"]) == 200  # another event for the same payment
    assert wallet_of(pending_admin.tenant_id).balance == NET - SEATS
    assert ledger_sum(pending_admin.tenant_id) == NET - SEATS
    assert _stored_event(completed["id"]).processed_at is not None


def test_events_out_of_order_end_in_the_true_state(pending_admin, twin):
    twin.pause_webhooks()
    url = start_checkout(pending_admin)
    checkout = _checkout_id(url)
    declined = twin.pay(url, "4000 0000 0000 9995")
    assert "insuffisants" in declined.text  # the hosted page says why, the person retries
    twin.pay(url, "4242 4242 4242 4242")
    events = {e["type"]: e["id"] for e in twin.events(checkout)}

    # Success first, then the older failure: the failure must not undo the success.
    assert twin.deliver(events["checkout.session.completed"]) == 200
    assert twin.deliver(events["payment_intent.payment_failed"]) == 200
    view = payment_progress(pending_admin, checkout_id=checkout)
    assert (view.status, view.failure_message) == ("succeeded", "")
    assert wallet_of(pending_admin.tenant_id).balance == NET - SEATS


def test_a_declined_payment_records_why_and_credits_nothing(pending_admin, twin):
    twin.pause_webhooks()
    url = start_checkout(pending_admin)
    checkout = _checkout_id(url)
    twin.pay(url, "4000000000000002")
    failed = _event(twin, checkout, "payment_intent.payment_failed")
    assert twin.deliver(failed["id"]) == 200
    view = payment_progress(pending_admin, checkout_id=checkout)
    assert view.status == "failed"
    assert "refusé la carte" in view.failure_message
    assert wallet_of(pending_admin.tenant_id).balance == 0
    assert view.tenant_status == "PENDING_PAYMENT"


def test_the_twin_signs_as_stripe_does(pending_admin, twin):
    """Cross-check with the SDK: the twin's header verifies with the endpoint secret."""
    import stripe

    twin.pause_webhooks()
    url = start_checkout(pending_admin)
    twin.pay(url, "4242424242424242")
    event = _event(twin, _checkout_id(url), "checkout.session.completed")
    payload = twin.event_payload(event["id"])
    t = int(time.time())
    header = f"t={t},v1=" + hmac.new(get_settings().stripe_webhook_secret.encode(),
                                    f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    parsed = stripe.Webhook.construct_event(payload, header, get_settings().stripe_webhook_secret)
    assert parsed.type == "checkout.session.completed"
    assert json.loads(payload)["data"]["object"]["payment_status"] == "paid"
