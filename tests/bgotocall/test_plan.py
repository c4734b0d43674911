"""Facturation in Chromium: the enrolment refused at the licence limit sends the admin to buy two more
licences (confirmation with the prorated amount, paid from the Smart Wallet); the enrolment then goes
through and the prorated amount is on the next monthly invoice."""
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from services.billing.invoices import invoice_pdf, issue_monthly_invoice
from services.billing.money import format_money
from services.billing.subscription import prorated_amount
from services.billing.wallet import start_wallet, wallet_of
from services.models.columns import utcnow
from services.models.platform import Role
from services.voice.licences import grant_licences, licensed_agents
from tests.bgotocall.test_agents import enroll
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land


def _compact(text: str) -> str:
    return "".join(text.split()).replace("\u202f", "").replace("\xa0", "")


@pytest.mark.e2e
def test_buying_two_licences_lets_the_refused_enrolment_through_and_is_on_the_next_invoice(page):
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    start_wallet(tenant.id, "XAF", credit=100_000)
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.get_by_role("link", name="Agents", exact=True).click()
    enroll(page, "Ngono", "Aline", "a.ngono", f"aline-{tenant.slug}@example-corp.cm")
    expect(page.get_by_test_id("agent-row")).to_have_count(1)
    enroll(page, "Manga", "Paul", "p.manga", f"paul-{tenant.slug}@example-corp.cm")
    expect(page.get_by_test_id("enroll-error")).to_contain_text("Toutes les licences agent")

    page.get_by_test_id("buy-licences").click()                       # the refusal leads to Facturation
    expect(page.get_by_test_id("plan-usage")).to_contain_text("1 utilisées")
    page.locator("#plan_agents").fill("0")
    page.get_by_test_id("plan-review").click()
    expect(page.get_by_test_id("plan-error")).to_contain_text("entre 1 et")
    page.locator("#plan_agents").fill("3")
    page.get_by_test_id("plan-review").click()
    amount, left, days = prorated_amount(2, 15000, utcnow().date())
    expect(page.get_by_test_id("plan-summary")).to_contain_text("2 licence(s) agent de plus")
    expect(page.get_by_test_id("plan-summary")).to_contain_text(f"{left}/{days} jours")
    expect(page.get_by_test_id("plan-amount")).to_contain_text(format_money(amount, "XAF"))
    page.get_by_test_id("plan-pay-wallet").click()
    expect(page.get_by_test_id("wallet-balance")).to_have_text(format_money(100_000 - amount, "XAF"))
    assert licensed_agents(tenant.id) == 3 and wallet_of(tenant.id).balance == 100_000 - amount

    page.get_by_role("link", name="Agents", exact=True).click()
    expect(page.get_by_test_id("licence-counter").first).to_have_text("1 / 3 licences")
    enroll(page, "Manga", "Paul", "p.manga", f"paul-{tenant.slug}@example-corp.cm")
    expect(page.get_by_test_id("agent-row")).to_have_count(2)

    today = utcnow().date()                                           # the month's invoice
    invoice = issue_monthly_invoice(tenant.id, today.year, today.month)
    text = _compact(" ".join(p.extract_text() for p in
                             PdfReader(invoice_pdf(context_for(tenant, Role.ADMIN), invoice.id)).pages))
    assert _compact("Licences agent supplémentaires (prorata)") in text
    assert _compact(format_money(amount, "XAF")) in text
