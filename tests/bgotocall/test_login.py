"""Wrong passwords, throttling, and the forgotten-password flow in the browser."""
import re

import pytest
from playwright.sync_api import expect

from services.models.platform import Role
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.browser import log_in, log_in_and_land, log_out
from tests.support.inbox import link_in, wait_for_message


@pytest.mark.e2e
def test_wrong_password_shows_an_error(page, product):
    log_in(page, "admin@demo-sarl.cm", "not-the-password")
    expect(page.get_by_test_id("form-error")).to_have_text("Email ou mot de passe incorrect.")
    expect(page).to_have_url(re.compile(r"/connexion/?$"))


@pytest.mark.e2e
def test_repeated_failures_throttle_the_login(page):
    email = new_user(new_tenant(), Role.SUPERVISOR)
    for _ in range(5):
        log_in(page, email, "Wrong-password-1")
        expect(page.get_by_test_id("form-error")).to_have_text("Email ou mot de passe incorrect.")
    log_in(page, email, PASSWORD)
    expect(page.get_by_test_id("form-error")).to_contain_text("Trop de tentatives échouées")
    expect(page).to_have_url(re.compile(r"/connexion/?$"))


@pytest.mark.e2e
def test_forgotten_password_by_email(page, product):
    email = new_user(new_tenant(), Role.ADMIN)
    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Mot de passe oublié")
    page.locator("#email").fill(email)
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.get_by_test_id("forgot-sent")).to_be_visible()

    page.goto(link_in(wait_for_message(product.sandbox_url, email)))
    page.locator("#password").fill("Fresh-password-7")
    page.locator("#confirm").fill("Fresh-password-7")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("reset-done")).to_be_visible()

    log_in_and_land(page, email, "Fresh-password-7", "/tableau-de-bord")


@pytest.mark.e2e
def test_the_session_cookie_is_out_of_reach_of_page_scripts(page, product):
    log_in_and_land(page, "admin@demo-sarl.cm", product.demo_password, "/tableau-de-bord")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "bgc_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert "bgc_session" not in page.evaluate("document.cookie")
    assert cookie["value"] not in page.content()
    log_out(page)
    assert [c for c in page.context.cookies() if c["name"] == "bgc_session"] == []
