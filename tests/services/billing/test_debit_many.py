"""A sending batch's debits: one balance update and one ledger line per debit, each line with
the balance after it, in order; a reference already charged is not charged again; a total
that does not fit takes nothing."""
import pytest
from sqlalchemy import select

from services.billing.wallet import (
    Debit, InsufficientBalance, debit_many, ledger_sum, start_wallet, wallet_of,
)
from services.db.engine import platform_session
from services.models.billing import WalletEntry
from tests.support.accounts import new_tenant


def _batch(tenant_id: int, *amounts: int, first: int = 1) -> list[Debit]:
    return [Debit(amount, "sms", 1, f"interaction:{tenant_id}:{first + i}", f"Promo — SMS {i}")
            for i, amount in enumerate(amounts)]


def _lines(tenant_id: int) -> list[WalletEntry]:
    with platform_session() as s:
        return list(s.execute(select(WalletEntry).where(
            WalletEntry.tenant_id == tenant_id, WalletEntry.amount < 0)
            .order_by(WalletEntry.id)).scalars())


def test_each_debit_is_a_ledger_line_with_its_running_balance():
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=1000)
    with platform_session() as s:
        debit_many(s, tenant.id, _batch(tenant.id, 25, 50, 25))
    lines = _lines(tenant.id)
    assert [(e.amount, e.balance_after) for e in lines] == [(-25, 975), (-50, 925), (-25, 900)]
    assert [e.reference for e in lines] == [f"interaction:{tenant.id}:{i}" for i in (1, 2, 3)]
    assert all(e.created_at is not None and e.kind == "sms" for e in lines)
    assert wallet_of(tenant.id).balance == ledger_sum(tenant.id) == 900


def test_a_reference_already_charged_is_not_charged_again():
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=1000)
    with platform_session() as s:
        debit_many(s, tenant.id, _batch(tenant.id, 25, 25))
    with platform_session() as s:  # a resend of the second with a new third
        debit_many(s, tenant.id, _batch(tenant.id, 25, 30, first=2))
    assert [e.amount for e in _lines(tenant.id)] == [-25, -25, -30]
    assert wallet_of(tenant.id).balance == 920


def test_a_total_that_does_not_fit_takes_nothing():
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=60)
    with pytest.raises(InsufficientBalance), platform_session() as s:
        debit_many(s, tenant.id, _batch(tenant.id, 25, 25, 25))
    assert _lines(tenant.id) == [] and wallet_of(tenant.id).balance == 60
