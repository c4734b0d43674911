"""Smart Wallet: atomic debits, never below zero, ledger == balance, low-balance crossing."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from services.billing.wallet import (
    InsufficientBalance, announce_pending_changes, credit_wallet, debit_wallet, ledger_sum, start_wallet,
    wallet_of,
)
from services.db.engine import platform_session
from services.infra.redis import get_redis
from services.live import supervision_topic
from services.live.events import STREAM, LiveEvent
from tests.support.accounts import new_tenant


def _wallet(currency="XAF", threshold=0):
    tenant = new_tenant(currency=currency)
    start_wallet(tenant.id, currency, low_threshold=threshold)
    return tenant


def _wallet_events(tenant) -> int:
    return sum(1 for _, fields in get_redis().xrevrange(STREAM, count=500)
               if supervision_topic(tenant.id) in (e := LiveEvent.from_fields(fields)).topics and e.kind == "wallet")


def test_open_pages_are_told_of_committed_changes_once_per_burst():
    tenant = _wallet()
    credit_wallet(tenant.id, 5000)
    assert _wallet_events(tenant) == 1
    for _ in range(20):                                                    # a sending burst
        debit_wallet(tenant.id, 100, kind="sms")
    announce_pending_changes()                                             # the scheduler's next tick
    assert _wallet_events(tenant) in (2, 3)     # at once or held back, the burst's end is told once
    told = _wallet_events(tenant)
    with pytest.raises(RuntimeError), platform_session() as session:      # a payment that fails later
        credit_wallet(tenant.id, 700, session=session)
        raise RuntimeError("the rest of the payment failed")
    announce_pending_changes()
    assert _wallet_events(tenant) == told and wallet_of(tenant.id).balance == 3000
    with platform_session() as session:
        credit_wallet(tenant.id, 700, session=session)
    announce_pending_changes()
    assert _wallet_events(tenant) == told + 1


def test_200_concurrent_debits_never_go_below_zero_and_ledger_matches():
    tenant = _wallet()
    credit_wallet(tenant.id, 1000, reference=f"seed-{tenant.id}")
    outcomes = []

    def spend(i):
        try:
            debit_wallet(tenant.id, 7, kind="sms", description=f"sms {i}")
            return "ok"
        except InsufficientBalance:
            return "refused"

    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = list(pool.map(spend, range(200)))

    wallet = wallet_of(tenant.id)
    assert outcomes.count("ok") == 1000 // 7  # 142 debits fit, the rest are refused
    assert outcomes.count("refused") == 200 - 142
    assert wallet.balance == 1000 - 142 * 7 >= 0
    assert ledger_sum(tenant.id) == wallet.balance
    with platform_session() as s:
        negative = s.connection().execute(text(
            "SELECT count(*) FROM platform.wallet_entry WHERE tenant_id = :t "
            "AND balance_after < 0"), {"t": tenant.id}).scalar()
    assert negative == 0


def test_refusal_at_zero_is_a_clear_french_error():
    tenant = _wallet()
    with pytest.raises(InsufficientBalance) as refused:
        debit_wallet(tenant.id, 25, kind="sms")
    assert "Solde du Smart Wallet insuffisant" in str(refused.value)
    assert "Rechargez" in str(refused.value)
    assert wallet_of(tenant.id).balance == 0


def test_same_reference_credits_and_debits_once():
    tenant = _wallet("EUR")
    first = credit_wallet(tenant.id, 5000, reference=f"pay-{tenant.id}")
    again = credit_wallet(tenant.id, 5000, reference=f"pay-{tenant.id}")
    assert again.id == first.id
    debit_wallet(tenant.id, 100, kind="sms", reference=f"attempt-{tenant.id}")
    debit_wallet(tenant.id, 100, kind="sms", reference=f"attempt-{tenant.id}")
    assert wallet_of(tenant.id).balance == 4900 == ledger_sum(tenant.id)


def test_ledger_is_append_only():
    tenant = _wallet()
    entry = credit_wallet(tenant.id, 10)
    with pytest.raises(Exception, match="append-only"):
        with platform_session() as s:
            s.connection().execute(text(
                "UPDATE platform.wallet_entry SET amount = 1000000 WHERE id = :i"), {"i": entry.id})
    assert ledger_sum(tenant.id) == 10


def test_low_balance_flag_set_once_per_crossing_and_reset_by_a_credit():
    from services.models.billing import Wallet

    tenant = _wallet(threshold=500)
    credit_wallet(tenant.id, 1000)

    def alerted():
        with platform_session() as s:
            return s.get(Wallet, tenant.id).low_alert_sent

    debit_wallet(tenant.id, 400, kind="sms", session=None)
    assert not alerted() and not wallet_of(tenant.id).is_low
    debit_wallet(tenant.id, 200, kind="sms")
    assert alerted() and wallet_of(tenant.id).is_low
    credit_wallet(tenant.id, 1000)
    assert not alerted()
