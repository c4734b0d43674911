"""Paramètres: the admin enrols a supervisor (credentials by email, a 29xx phone) and removes one."""
import pytest
from playwright.sync_api import expect

from services.models.platform import Role
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.inbox import wait_for_message


@pytest.mark.e2e
def test_the_admin_enrols_and_removes_a_supervisor(page, product):
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.get_by_test_id("sidebar").get_by_role("link", name="Paramètres").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Paramètres")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Aucun superviseur")

    email = f"marie-{tenant.slug}@example-corp.cm"
    page.get_by_test_id("new-supervisor").click()
    page.get_by_test_id("enroll-submit").click()                    # the browser asks for the fields first
    expect(page.get_by_role("dialog")).to_be_visible()
    page.locator("#supervisor-last_name").fill("Abena")
    page.locator("#supervisor-first_name").fill("Marie")
    page.locator("#supervisor-login").fill("M Abena")
    page.locator("#supervisor-email").fill(email)
    page.get_by_test_id("enroll-submit").click()
    expect(page.get_by_test_id("error-login")).to_contain_text("minuscules")
    page.locator("#supervisor-login").fill("m.abena")
    page.get_by_test_id("enroll-submit").click()
    row = page.get_by_test_id("supervisor-row").filter(has_text="Marie Abena")
    expect(row).to_contain_text("2900")

    message = wait_for_message(product.sandbox_url, email)
    assert message["subject"].startswith("Vos accès superviseur")
    assert "extension 2900" in message["text"] and "Mot de passe SIP" in message["text"]

    row.get_by_test_id("delete-supervisor").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("perd immédiatement l'accès")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("supervisor-row")).to_have_count(0)
