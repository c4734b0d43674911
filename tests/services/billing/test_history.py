"""The Smart Wallet's movements on the Facturation page: newest first, labelled, paged, per tenant."""
import pytest

from services.billing.history import PAGE_SIZE, wallet_movements
from services.billing.wallet import debit_wallet, start_wallet
from services.identity.access import AccessDenied
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant


def test_movements_are_newest_first_signed_and_paged():
    tenant = new_tenant()
    admin = context_for(tenant, Role.ADMIN)
    start_wallet(tenant.id, "XAF", credit=50_000)
    for _ in range(PAGE_SIZE):
        debit_wallet(tenant.id, 25, kind="sms", quantity=1)
    debit_wallet(tenant.id, 3_000, kind="seat", quantity=1, description="Licences agent : 1 de plus")

    first, total = wallet_movements(admin)
    assert total == PAGE_SIZE + 2 and len(first) == PAGE_SIZE
    newest = first[0]
    assert (newest.label, newest.amount, newest.credit) == ("Licences agent : 1 de plus", "-3\u202f000 FCFA", False)
    assert (first[1].label, first[1].amount) == ("SMS", "-25 FCFA")
    last, _ = wallet_movements(admin, page=1)
    assert [(m.label, m.amount, m.credit, m.balance_after) for m in last] == [
        ("SMS", "-25 FCFA", False, "49\u202f975 FCFA"), ("Recharge", "+50\u202f000 FCFA", True, "50\u202f000 FCFA")]


def test_movements_stay_in_their_tenant_and_with_billing():
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=1_000)
    assert wallet_movements(context_for(new_tenant(), Role.ADMIN)) == ([], 0)
    with pytest.raises(AccessDenied):
        wallet_movements(context_for(tenant, Role.SUPERVISOR))
