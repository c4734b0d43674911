"""UC-ADM-01..04 in Chromium: sign-up, emailed token, configurator, Stripe Checkout (twin)
with 3-D Secure, then an active tenant with its credited Smart Wallet and receipt image;
and a declined card that ends in a clear message and no credit."""
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from services.billing.wallet import ledger_sum, wallet_of
from services.db.engine import platform_session
from services.models.platform import Tenant, User
from tests.support.browser import pay_by_card
from tests.support.inbox import link_in, wait_for_message


def _sign_up(page: Page, sandbox_url: str) -> str:
    key = uuid.uuid4().hex[:8]
    email = f"direction-{key}@societe-{key}.cm"
    page.goto("/connexion")
    page.get_by_test_id("signup-link").click()
    page.wait_for_url("**/inscription")
    expect(page.get_by_test_id("stepper")).to_be_visible()
    # A first try wrong everywhere: every error shows at once, each under its field.
    page.locator("#company_name").fill("S")
    page.locator("#email").fill("awa-pas-une-adresse")
    page.locator("#password").fill("court")
    page.locator("#confirm").fill("autre")
    page.get_by_test_id("signup-submit").click()
    for field in ("company_name", "full_name", "email", "password", "confirm"):
        expect(page.get_by_test_id(f"error-{field}")).to_be_visible()
    expect(page.get_by_test_id("error-confirm")).to_have_text("Les deux mots de passe ne sont pas identiques.")

    page.locator("#company_name").fill(f"Société {key}")
    page.select_option("#country", "CM")
    page.select_option("#currency", "XAF")
    page.locator("#full_name").fill("Awa Mbarga")
    page.locator("#email").fill(f"awa-{key}@gmail.com")
    page.locator("#password").fill("Secret-pass-2026")
    page.locator("#confirm").fill("Secret-pass-2026")
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("error-email")).to_contain_text("professionnelle")
    expect(page.get_by_test_id("error-confirm")).to_have_count(0)
    page.locator("#email").fill(email)
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("signup-sent")).to_be_visible()

    # The link is clicked in the sandbox inbox, as the person would in their mail client.
    link = link_in(wait_for_message(sandbox_url, email))
    page.goto(f"{sandbox_url}/inbox/?to={email}")
    page.get_by_role("link", name=link).click()
    page.wait_for_url("**/configurateur")
    return email


def _configure(page: Page) -> None:
    total = page.get_by_test_id("quote-total")
    expect(total).to_contain_text("FCFA")
    before = total.inner_text()
    page.get_by_test_id("channel-sms").click()
    page.locator("#traffic-sms").fill("2000")
    page.locator("#traffic-sms").blur()
    expect(total).not_to_have_text(before)
    after = total.inner_text()
    page.reload()  # the cart survives a reload
    expect(page.get_by_test_id("quote-total")).to_have_text(after)
    expect(page.locator("#traffic-sms")).to_have_value("2000")
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/stripe/pay/**")


def _tenant_of(email: str) -> Tenant:
    with platform_session() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return s.get(Tenant, user.tenant_id)


@pytest.mark.e2e
def test_sign_up_configure_pay_with_3d_secure_and_get_an_active_tenant(page, product):
    email = _sign_up(page, product.sandbox_url)
    assert _tenant_of(email).status == "PENDING_PAYMENT"
    assert (product.data_dir / "tenants" / _tenant_of(email).slug).is_dir()
    _configure(page)

    pay_by_card(page, "4000 0027 6000 3184")
    page.wait_for_url("**/3ds")
    page.locator("#complete-3ds").click()
    page.wait_for_url("**/paiement/confirmation**session_id=cs_test_*")
    expect(page.get_by_test_id("instance-active")).to_be_visible(timeout=60_000)

    tenant = _tenant_of(email)
    wallet = wallet_of(tenant.id)
    assert tenant.status == "ACTIVE"
    assert wallet.balance == 1000 * 50 + 2000 * 25 == ledger_sum(tenant.id)  # seats taken
    expect(page.get_by_test_id("wallet-balance")).to_have_text("100\u202f000 FCFA")
    receipt = page.get_by_test_id("receipt-image")
    expect(receipt).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=receipt-image]');"
        " return i && i.complete && i.naturalWidth > 200; }")
    response = page.request.get(receipt.get_attribute("src"))
    assert response.ok and response.headers["content-type"] == "image/png"
    assert response.body()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.e2e
def test_a_declined_card_says_why_and_credits_nothing(page, product):
    email = _sign_up(page, product.sandbox_url)
    _configure(page)
    pay_by_card(page, "4000 0000 0000 0002")
    expect(page.locator("#card-error")).to_contain_text("refusée")
    page.locator("#cancel").click()
    page.wait_for_url("**/paiement/annule**paiement=*")
    expect(page.get_by_test_id("payment-failure")).to_contain_text("refusé la carte")
    expect(page.get_by_test_id("retry-payment")).to_be_visible()
    tenant = _tenant_of(email)
    assert tenant.status == "PENDING_PAYMENT"
    assert wallet_of(tenant.id).balance == 0 == ledger_sum(tenant.id)
