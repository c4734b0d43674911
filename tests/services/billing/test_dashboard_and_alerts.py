"""The admin's home figures, and the low-balance email (debit path and scheduler tick)."""
from services.billing.dashboard import admin_overview
from services.billing.invoices import issue_monthly_invoice
from services.billing.wallet import (
    check_low_balances, credit_wallet, debit_wallet, open_wallet, set_low_threshold, wallet_of,
)
from services.db.engine import platform_session
from services.models.columns import utcnow
from services.models.platform import Role, TenantStatus
from services.db.tenancy import create_tenant
from tests.support.accounts import context_for, new_tenant, new_user
from tests.support.inbox import messages_to, wait_for_message


def _funded(amount: int = 10_000):
    tenant = new_tenant()
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    credit_wallet(tenant.id, amount)
    return tenant


def test_overview_shows_balance_usage_by_channel_and_latest_invoices():
    tenant = _funded()
    debit_wallet(tenant.id, 500, kind="sms", quantity=20)
    debit_wallet(tenant.id, 300, kind="sms", quantity=12)
    debit_wallet(tenant.id, 1_200, kind="voice_minute", quantity=40)
    now = utcnow()
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    view = admin_overview(context_for(tenant, Role.ADMIN))
    assert not view.pending_payment
    assert view.wallet.balance == 8_000
    assert [(u.label, u.quantity, u.amount) for u in view.usage] == [
        ("SMS", 32, 800), ("Voix", 40, 1_200)]
    assert [i.id for i in view.invoices] == [invoice.id]


def test_a_tenant_waiting_for_payment_is_flagged():
    tenant = create_tenant("w" + new_tenant().slug[1:], "Attente SARL", "CM", "XAF",
                           status=TenantStatus.PENDING_PAYMENT)
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    view = admin_overview(context_for(tenant, Role.ADMIN))
    assert view.pending_payment and view.usage == [] and view.wallet.balance == 0


def test_crossing_the_threshold_emails_the_admins_once(product):
    tenant = _funded()
    admin = new_user(tenant, Role.ADMIN)
    set_low_threshold(context_for(tenant, Role.ADMIN), 5_000)
    debit_wallet(tenant.id, 4_000, kind="sms", quantity=160)  # 6 000 left: above
    debit_wallet(tenant.id, 2_000, kind="sms", quantity=80)  # 4 000 left: crosses
    message = wait_for_message(product.sandbox_url, admin)
    assert message["subject"] == "Smart Wallet : solde bas"
    assert "4\u202f000 FCFA" in message["text"] and "5\u202f000 FCFA" in message["text"]
    debit_wallet(tenant.id, 1_000, kind="sms", quantity=40)  # still low: no second alert
    assert not _alert_pending(tenant.id)


def _alert_pending(tenant_id: int) -> bool:
    with platform_session() as s:
        return not s.connection().exec_driver_sql(
            "SELECT low_alert_sent FROM platform.wallet WHERE tenant_id = %s",
            (tenant_id,)).scalar()


def test_the_tick_alerts_a_wallet_under_its_threshold_once(product):
    tenant = _funded(3_000)
    admin = new_user(tenant, Role.ADMIN)
    with platform_session() as s:  # threshold raised above the balance, no debit since
        s.connection().exec_driver_sql(
            "UPDATE platform.wallet SET low_threshold = 5000 WHERE tenant_id = %s",
            (tenant.id,))
    check_low_balances()  # claims it (unless the product's scheduler got there first)
    assert check_low_balances() == 0 and not _alert_pending(tenant.id)
    wait_for_message(product.sandbox_url, admin)
    assert wallet_of(tenant.id).is_low
    credit_wallet(tenant.id, 10_000)  # back above: the next crossing alerts again
    debit_wallet(tenant.id, 9_000, kind="email", quantity=900)
    wait_for_message(product.sandbox_url, admin, count=2)
    assert len(messages_to(product.sandbox_url, admin)) == 2
