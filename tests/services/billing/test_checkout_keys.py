"""Idempotency keys of checkouts: unique across environments that share one Stripe account
(two databases both have a payment 1), and the same for every retry of one payment."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from services.billing.payments import start_checkout
from services.db.engine import get_engine, platform_session, sqlalchemy_url
from services.db.migrations import upgrade_platform
from services.models.billing import Payment
from services.models.platform import Role
from services.providers.payments import get_payment_gateway
from services.settings import get_settings
from tests.support.accounts import context_for, new_tenant
from tests.support.stripe_twin import stripe_twin_serving


def _use_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture
def stripe_account():
    """One Stripe account (the twin, in this process) that the product talks to. Away from
    the stack's own twin the settings want the webhook signing secret, as with real Stripe."""
    before = {name: os.environ.get(name) for name in ("STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET")}
    with stripe_twin_serving(get_settings().stripe_api_key) as twin:
        _use_env("STRIPE_WEBHOOK_SECRET", "whsec_account_of_this_test")
        _use_env("STRIPE_API_BASE", twin.base)
        try:
            yield twin
        finally:
            for name, value in before.items():
                _use_env(name, value)


@pytest.fixture
def another_environment():
    """A second, freshly migrated database on the same server (staging beside CI)."""
    first_url = get_settings().database_url
    name = f"bgc_env_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sqlalchemy_url(first_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    second_url = make_url(sqlalchemy_url(first_url)).set(database=name)
    second_url = second_url.render_as_string(hide_password=False)

    @contextmanager
    def inside():
        _use_env("DATABASE_URL", second_url)
        try:
            yield
        finally:
            get_engine().dispose()
            _use_env("DATABASE_URL", first_url)

    with inside():
        upgrade_platform()
    try:
        yield inside
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _payment_of(tenant_id: int) -> Payment:
    with platform_session() as s:
        return s.exec(select(Payment).where(Payment.tenant_id == tenant_id)
                      .order_by(Payment.id.desc())).first()


def _top_up(amount: int) -> Payment:
    ctx = context_for(new_tenant(), Role.ADMIN)
    start_checkout(ctx, "topup", amount)
    return _payment_of(ctx.tenant_id)


def test_the_same_payment_id_in_two_databases_gets_two_keys(stripe_account,
                                                            another_environment):
    first = _top_up(5000)
    with another_environment():
        with platform_session() as s:  # this database has reached the same payment id
            s.connection().execute(text("SELECT setval('platform.payment_id_seq', :n, false)"),
                                   {"n": first.id})
        second = _top_up(7000)
        second_checkout = get_payment_gateway().fetch_checkout(second.checkout_id)
    assert second.id == first.id
    assert second.idempotency_key != first.idempotency_key
    assert second.checkout_id != first.checkout_id
    assert second_checkout.amount == second.total_amount  # its own checkout, not a replay
    sent = [c["idempotency_key"] for c in stripe_account.requests("/v1/checkout/sessions")]
    assert sent == [first.idempotency_key, second.idempotency_key]


def test_a_retry_of_the_same_payment_sends_its_stored_key(stripe_account):
    stripe_account.lose_next_response()  # Stripe creates the session, the answer is lost
    payment = _top_up(5000)
    calls = stripe_account.requests("/v1/checkout/sessions")
    assert [(c["idempotency_key"], c["replayed"]) for c in calls] == [
        (payment.idempotency_key, False), (payment.idempotency_key, True)]
    assert payment.checkout_id  # the replayed answer opened the checkout
