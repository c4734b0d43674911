"""Documents page lists the tenant's invoices; the super admin suspends a tenant after confirming;
a wallet top-up returns to Facturation."""
import re

import pytest
from playwright.sync_api import expect

from services.billing.invoices import invoice_number, issue_monthly_invoice
from services.billing.wallet import debit_wallet, start_wallet
from services.models.columns import utcnow
from services.models.platform import Role
from services.demo import SUPER_ADMIN_EMAIL
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.browser import log_in_and_land, pay_by_card


@pytest.mark.e2e
def test_documents_page_lists_invoices_and_asks_for_fiscal_details(page):
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=10_000)
    debit_wallet(tenant.id, 500, kind="sms", quantity=20)
    now = utcnow()
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/documents")
    expect(page.get_by_test_id("invoices-table")).to_contain_text(invoice_number(invoice.number))
    expect(page.get_by_test_id("fiscal-missing").first).to_be_visible()
    page.goto("/facturation")
    expect(page.get_by_test_id("wallet-balance")).to_have_text("9\u202f500 FCFA")


@pytest.mark.e2e
def test_super_admin_suspends_a_tenant_after_confirmation(page, product):
    tenant = new_tenant()
    log_in_and_land(page, SUPER_ADMIN_EMAIL, product.demo_password, "/plateforme")
    page.goto("/plateforme/instances")
    page.get_by_test_id("tenant-search").fill(tenant.slug)
    table = page.get_by_test_id("tenants-table")
    expect(table.get_by_role("row")).to_have_count(2)  # header + the one match
    expect(table).to_contain_text(tenant.slug)
    page.get_by_test_id("suspend").click()
    page.get_by_test_id("confirm-suspend").click()
    expect(table).to_contain_text("Suspendue")


@pytest.mark.e2e
def test_facturation_shows_the_movements_live_and_sets_the_alert_threshold(page):
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=30_000, description="Recharge du Smart Wallet")
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.get_by_test_id("sidebar").get_by_role("link", name="Facturation").click()
    rows = page.get_by_test_id("movement-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("+30\u202f000 FCFA")

    debit_wallet(tenant.id, 1_250, kind="sms", quantity=50)            # a campaign sends meanwhile
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("SMS")
    expect(rows.first).to_contain_text("-1\u202f250 FCFA")
    expect(rows.first).to_contain_text("28\u202f750 FCFA")

    page.locator("#threshold").fill("trente mille")
    page.get_by_test_id("save-threshold").click()
    expect(page.get_by_test_id("error-threshold")).to_have_text("Montant invalide.")
    expect(page.get_by_test_id("wallet-banner")).to_have_count(0)
    page.locator("#threshold").fill("30000")
    page.get_by_test_id("save-threshold").click()
    expect(page.get_by_text("Vous serez prévenu quand le solde passera sous 30\u202f000 FCFA.")).to_be_visible()
    expect(page.get_by_test_id("wallet-banner")).to_contain_text("Solde bas")   # the top bar follows
    page.reload()
    expect(page.locator("#threshold")).to_have_value("30000")


@pytest.mark.e2e
def test_a_second_top_up_lands_back_in_facturation_with_the_new_balance(page):
    tenant = new_tenant()
    start_wallet(tenant.id, "XAF", credit=10_000)
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/facturation")
    for amount, balance in (("5000", "15\u202f000 FCFA"), ("20000", "35\u202f000 FCFA")):
        page.locator("#amount").fill(amount)
        page.get_by_role("button", name="Recharger le Smart Wallet").click()
        page.wait_for_url("**/stripe/pay/**")
        pay_by_card(page, "4242 4242 4242 4242")
        page.wait_for_url(re.compile(r".*/facturation/?\?session_id=cs_test_\w+$"))
        expect(page.get_by_test_id("topup-confirmed")).to_contain_text(balance)
        expect(page.get_by_test_id("wallet-balance")).to_have_text(balance)
        expect(page.get_by_test_id("stepper")).to_have_count(0)
