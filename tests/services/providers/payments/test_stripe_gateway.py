"""The Stripe adapter: what it sends, and what it is answered, fit Stripe's published spec
(decoded form parameters included); on the twin, the answers carry our own amounts."""
import json
import uuid

import pytest
import stripe
from openapi_core.exceptions import OpenAPIError

from services.providers.payments import CheckoutRequest
from services.providers.payments.stripe import StripeGateway
from tests.support.contract import Exchange, check_stripe, check_stripe_response

SESSIONS = "/v1/checkout/sessions"


def _gateway(provider) -> StripeGateway:
    return StripeGateway(provider.api_key, provider.base, "whsec_contract")


def _request(reference: str, amount: int = 155025) -> CheckoutRequest:
    return CheckoutRequest(
        reference=reference, amount=amount, currency="XAF",
        description="Instance B-GOTOCALL — Société Test", customer_email="awa@example-corp.cm",
        success_url="http://localhost:3000/paiement/confirmation?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=f"http://localhost:3000/paiement/annule?paiement={reference}",
        idempotency_key=f"checkout-{uuid.uuid4().hex}",
        metadata={"tenant": "societe-test", "purpose": "onboarding"})


def test_opening_a_checkout_fits_stripes_spec(stripe_provider):
    request = _request("7")
    checkout = _gateway(stripe_provider).create_checkout(request)
    exchange = stripe_provider.last(SESSIONS)
    assert exchange.status == 200 and checkout.id and checkout.redirect_url
    assert exchange.request_headers["idempotency-key"] == request.idempotency_key
    check_stripe(exchange)


def test_reading_a_checkout_back_fits_stripes_spec(stripe_provider):
    gateway = _gateway(stripe_provider)
    checkout = gateway.create_checkout(_request("8", amount=5000))
    status = gateway.fetch_checkout(checkout.id)
    exchange = stripe_provider.last(f"{SESSIONS}/{checkout.id}")
    assert exchange.status == 200 and status.id == checkout.id
    assert "expand[0]=payment_intent" in exchange.query.replace("%5B", "[").replace("%5D", "]")
    check_stripe(exchange)
    if stripe_provider.is_twin:  # stripe-mock answers with its own fixtures
        assert (status.state, status.amount, status.currency, status.reference) == (
            "open", 5000, "XAF", "8")


def test_a_refusal_has_stripes_error_shape(stripe_provider):
    client = stripe.StripeClient(stripe_provider.api_key,
                                 base_addresses={"api": stripe_provider.base})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.checkout.sessions.create(params={
            "mode": "payment", "success_url": "https://example.test/ok",
            "customer_emial": "awa@example-corp.cm"})
    assert refused.value.http_status == 400
    assert refused.value.json_body["error"]["param"] == "customer_emial"
    check_stripe_response(stripe_provider.last(SESSIONS))


def _form(body: str) -> Exchange:
    return Exchange("POST", SESSIONS, "", {"authorization": "Bearer sk_test_x"},
                    body.encode(), 400, {"content-type": "application/json"},
                    b'{"error": {"type": "invalid_request_error", "message": "x"}}')


def test_the_check_refuses_parameters_stripe_does_not_define():
    good = ("mode=payment&success_url=https%3A%2F%2Fx&line_items[0][quantity]=1"
            "&line_items[0][price_data][currency]=xaf&line_items[0][price_data][unit_amount]=5000"
            "&line_items[0][price_data][product_data][name]=Recharge")
    check_stripe(_form(good))
    with pytest.raises(AssertionError, match="customer_emial"):
        check_stripe(_form(good + "&customer_emial=a%40b.cm"))
    with pytest.raises(AssertionError, match="not of type 'integer'"):
        check_stripe(_form(good.replace("unit_amount]=5000", "unit_amount]=50.5")))


def test_the_check_refuses_an_answer_stripe_would_not_give():
    answer = {"id": "cs_test_1", "object": "checkout.session", "amount_total": "155025"}
    exchange = Exchange("GET", f"{SESSIONS}/cs_test_1", "", {"authorization": "Bearer x"}, b"",
                        200, {"content-type": "application/json"}, json.dumps(answer).encode())
    with pytest.raises(OpenAPIError):
        check_stripe_response(exchange)
