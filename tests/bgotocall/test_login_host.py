"""The login page on `<slug>.<platform domain>` names the tenant and lets only its users in."""
import pytest
from playwright.sync_api import expect

from services.identity.login import WRONG_CREDENTIALS
from services.models.platform import Role
from services.settings import get_settings
from tests.support.accounts import PASSWORD, new_tenant, new_user


@pytest.mark.e2e
def test_tenant_login_page_names_the_tenant_and_refuses_other_tenants_users(page, product):
    home, other = new_tenant(), new_tenant()
    mine, theirs = new_user(home, Role.ADMIN), new_user(other, Role.ADMIN)
    port = product.public_url.rsplit(":", 1)[1]
    page.goto(f"http://{home.slug}.{get_settings().platform_domain}:{port}/connexion")
    expect(page.get_by_test_id("login-tenant")).to_have_text(home.name)
    for email, password in ((theirs, PASSWORD), (mine, "Wrong-password-9")):
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("form-error")).to_have_text(WRONG_CREDENTIALS)
    page.locator("#email").fill(mine)
    page.locator("#password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/tableau-de-bord")
    expect(page.get_by_test_id("company")).to_have_text(home.name)

    page.goto(f"{product.public_url}/connexion")  # the platform's own address: no tenant
    expect(page.get_by_test_id("login-submit")).to_be_enabled()
    expect(page.get_by_test_id("login-tenant")).to_have_count(0)
