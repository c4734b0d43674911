"""The admin's home and the Smart Wallet of the top bar, with its low-balance banner."""
import pytest
from playwright.sync_api import expect

from services.billing.invoices import invoice_number, issue_monthly_invoice
from services.billing.wallet import debit_wallet, set_low_threshold, start_wallet
from services.models.columns import utcnow
from services.models.platform import Role
from services.platform.users import find_user
from services.voice.licences import grant_licences
from services.voice.presence import AgentState, set_agent_state
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land, log_out


@pytest.mark.e2e
def test_admin_home_shows_balance_usage_invoices_and_the_low_balance_banner(page):
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=10_000)
    debit_wallet(tenant.id, 2_500, kind="sms", quantity=100)
    now = utcnow()
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    grant_licences(tenant.id, 3)
    agent = find_user(new_user(tenant, Role.AGENT)).id
    set_agent_state(tenant.id, agent, AgentState.READY)
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    expect(page.get_by_test_id("dashboard-balance")).to_have_text("7\u202f500 FCFA")
    expect(page.get_by_test_id("dash-licences")).to_have_text("1 / 3")
    expect(page.get_by_test_id("dash-ready")).to_have_text("1")
    expect(page.get_by_test_id("dash-live-campaigns")).to_have_text("0")
    set_agent_state(tenant.id, agent, AgentState.IN_CALL)              # the team figures follow live
    expect(page.get_by_test_id("dash-ready")).to_have_text("0")
    expect(page.get_by_test_id("topbar-wallet")).to_have_text("7\u202f500 FCFA")
    expect(page.get_by_test_id("usage-chart")).to_contain_text("SMS")
    expect(page.locator(".recharts-bar-rectangle")).to_have_count(1)
    expect(page.get_by_test_id("latest-invoices")).to_contain_text(
        invoice_number(invoice.number))
    expect(page.get_by_test_id("wallet-banner")).to_have_count(0)
    expect(page.get_by_test_id("pending-payment")).to_have_count(0)

    debit_wallet(tenant.id, 1_000, kind="sms", quantity=40)           # sending goes on: no reload needed
    expect(page.get_by_test_id("topbar-wallet")).to_have_text("6\u202f500 FCFA")
    expect(page.get_by_test_id("dashboard-balance")).to_have_text("6\u202f500 FCFA")

    set_low_threshold(context_for(tenant, Role.ADMIN), 8_000)
    log_out(page)
    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    expect(page.get_by_test_id("topbar-wallet")).to_have_text("6\u202f500 FCFA")
    expect(page.get_by_test_id("wallet-banner")).to_contain_text("Solde bas")
    page.goto("/equipes")
    expect(page.get_by_test_id("wallet-banner")).to_contain_text("Solde bas")
