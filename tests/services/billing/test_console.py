"""Super admin console: tenants with plan/balance/usage, suspend and resume, access."""
import pytest

from services.billing.console import ConsoleError, list_tenants, resume_tenant, suspend_tenant
from services.billing.wallet import credit_wallet, debit_wallet, open_wallet
from services.db.engine import platform_session
from services.identity.access import AccessDenied
from services.identity.login import log_in
from services.models.platform import Role
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user


def test_tenant_list_shows_balance_and_usage_and_suspension_blocks_login():
    root = context_for(None, Role.SUPER_ADMIN)
    tenant = new_tenant()
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    credit_wallet(tenant.id, 10_000)
    debit_wallet(tenant.id, 2_500, kind="sms", quantity=100)
    rows, total = list_tenants(root, search=tenant.slug)
    assert total == 1
    assert (rows[0].balance, rows[0].usage) == ("7\u202f500 FCFA", "2\u202f500 FCFA")

    email = new_user(tenant, Role.ADMIN)
    suspend_tenant(root, tenant.id)
    assert "suspendue" in log_in(email, PASSWORD, "10.1.1.1").error
    with pytest.raises(ConsoleError):
        suspend_tenant(root, tenant.id)
    resume_tenant(root, tenant.id)
    assert log_in(email, PASSWORD, "10.1.1.1").error == ""


def test_only_the_super_admin_may_suspend():
    tenant = new_tenant()
    with pytest.raises(AccessDenied):
        suspend_tenant(context_for(tenant, Role.ADMIN), tenant.id)
