"""The super admin's home figures, computed from the platform tables."""
import pytest
from sqlalchemy import text

from services.billing.platform_overview import MONTHS, platform_overview
from services.billing.wallet import credit_wallet, start_wallet
from services.db.engine import platform_session
from services.identity.access import AccessDenied
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant


def test_the_overview_counts_what_the_super_admin_watches():
    sa = context_for(None, Role.SUPER_ADMIN)
    before = platform_overview(sa)
    low, fine = new_tenant(), new_tenant()
    start_wallet(low.id, "XAF", credit=5_000, low_threshold=10_000)
    start_wallet(fine.id, "XAF", credit=50_000, low_threshold=10_000)
    credit_wallet(fine.id, 25_000, kind="topup")
    with platform_session() as s:                         # a tenant created last month
        s.connection().execute(text("UPDATE platform.tenant SET created_at = now() - interval '31 days' "
                                    "WHERE id = :t"), {"t": low.id})

    after = platform_overview(sa)
    assert after.low_balance == before.low_balance + 1
    assert after.tenants["ACTIVE"] == before.tenants["ACTIVE"] + 2
    assert len(after.signups) == MONTHS
    assert after.signups[-1].tenants == before.signups[-1].tenants + 1             # "fine", this month
    assert sum(m.tenants for m in after.signups) == sum(m.tenants for m in before.signups) + 2
    assert _fcfa(after.topups_this_month) == _fcfa(before.topups_this_month) + 80_000     # 5,000 + 50,000 + 25,000


def _fcfa(amounts: list[str]) -> int:
    return next((int("".join(c for c in a if c.isdigit())) for a in amounts if a.endswith("FCFA")), 0)


def test_only_the_super_admin_sees_it():
    with pytest.raises(AccessDenied):
        platform_overview(context_for(new_tenant(), Role.ADMIN))
