"""The Stripe twin refuses what Stripe refuses: parameters its spec does not define, and an
idempotency key reused with other parameters. Driven by the official stripe SDK."""
import dataclasses
import time
import uuid

import pytest
import stripe

from services.sandbox.stripe.store import IDEMPOTENCY_SECONDS, StripeStore


def _session_params(amount: int = 15500, **extra) -> dict:
    return {"mode": "payment", "success_url": "https://example.test/ok",
            "cancel_url": "https://example.test/ko", "customer_email": "awa@example.test",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": "eur", "unit_amount": amount,
                "product_data": {"name": "Recharge"}}}],
            "metadata": {"reference": "42"}, **extra}


def _refusal(call) -> stripe.StripeError:
    with pytest.raises(stripe.StripeError) as caught:
        call()
    return caught.value


def test_a_misspelt_parameter_is_refused_as_unknown(stripe_twin):
    params = _session_params()
    params["customer_emial"] = params.pop("customer_email")
    error = _refusal(lambda: stripe_twin.client.v1.checkout.sessions.create(params=params))
    assert isinstance(error, stripe.InvalidRequestError)
    assert error.http_status == 400
    body = error.json_body["error"]
    assert (body["type"], body["code"], body["param"]) == (
        "invalid_request_error", "parameter_unknown", "customer_emial")
    assert body["message"] == ("Received unknown parameter: customer_emial. "
                               "Did you mean customer_email?")


def test_an_unknown_nested_parameter_is_named_by_its_full_path(stripe_twin):
    params = _session_params()
    params["line_items"][0]["price_data"]["unit_amont"] = 100
    error = _refusal(lambda: stripe_twin.client.v1.checkout.sessions.create(params=params))
    assert error.code == "parameter_unknown"
    assert error.param == "line_items[0][price_data][unit_amont]"


def test_an_unknown_query_parameter_is_refused_too(stripe_twin):
    session = stripe_twin.client.v1.checkout.sessions.create(params=_session_params())
    error = _refusal(lambda: stripe_twin.client.v1.checkout.sessions.retrieve(
        session.id, params={"expnad": ["payment_intent"]}))
    assert (error.http_status, error.code, error.param) == (400, "parameter_unknown", "expnad")


def test_missing_and_mistyped_parameters_are_refused(stripe_twin):
    params = _session_params()
    del params["success_url"]
    missing = _refusal(lambda: stripe_twin.client.v1.checkout.sessions.create(params=params))
    assert (missing.code, missing.param) == ("parameter_missing", "success_url")
    mistyped = _refusal(lambda: stripe_twin.client.v1.checkout.sessions.create(
        params=_session_params(amount="12.50")))
    assert (mistyped.code, mistyped.param) == ("parameter_invalid_integer",
                                               "line_items[0][price_data][unit_amount]")


def test_parameters_the_spec_defines_are_accepted(stripe_twin):
    session = stripe_twin.client.v1.checkout.sessions.create(
        params=_session_params(locale="fr", payment_intent_data={"metadata": {"a": "b"}},
                               expand=["payment_intent"]))
    assert session.amount_total == 15500
    fetched = stripe_twin.client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]})
    assert fetched.id == session.id


def test_the_same_key_with_the_same_parameters_replays_the_first_result(stripe_twin):
    key = f"test-{uuid.uuid4().hex}"
    create = stripe_twin.client.v1.checkout.sessions.create
    first = create(params=_session_params(), options={"idempotency_key": key})
    again = create(params=_session_params(), options={"idempotency_key": key})
    assert again.id == first.id
    calls = [r for r in stripe_twin.requests() if r["idempotency_key"] == key]
    assert [r["replayed"] for r in calls] == [False, True]


def test_the_same_key_with_other_parameters_is_an_idempotency_error(stripe_twin):
    key = f"test-{uuid.uuid4().hex}"
    create = stripe_twin.client.v1.checkout.sessions.create
    create(params=_session_params(15500), options={"idempotency_key": key})
    error = _refusal(lambda: create(params=_session_params(99900),
                                    options={"idempotency_key": key}))
    assert isinstance(error, stripe.IdempotencyError)
    assert error.http_status == 400
    assert error.json_body["error"]["type"] == "idempotency_error"
    assert error.json_body["error"]["message"] == (
        "Keys for idempotent requests can only be used with the same parameters they were "
        f"first used with. Try using a key other than '{key}' if you meant to execute a "
        "different request.")


def test_a_key_is_forgotten_after_24_hours():
    store = StripeStore("http://127.0.0.1:9/no-webhooks", "whsec_twin", "http://twin")
    store.remember("k", {"mode": "payment"}, {"id": "cs_test_1"})
    assert store.first_result("k").body == {"id": "cs_test_1"}
    store.idempotent["k"] = dataclasses.replace(
        store.idempotent["k"], at=time.time() - IDEMPOTENCY_SECONDS - 1)
    assert store.first_result("k") is None
