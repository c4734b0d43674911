"""What a person does in the browser, as small steps the e2e tests share."""
from __future__ import annotations

from playwright.sync_api import Page, expect


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_test_id("login-submit").click()


def log_in_and_land(page: Page, email: str, password: str, home: str) -> None:
    log_in(page, email, password)
    page.wait_for_url(f"**{home}")
    expect(page.get_by_test_id("page-title")).to_be_visible()


def wait_upload_page_connected(page: Page) -> None:
    """Until a page with a spreadsheet zone is connected (the zone is disabled before): what is
    chosen or dropped before would be cleared by the page's on_load."""
    expect(page.locator("[data-upload-ready='true']")).to_have_count(1)


def drop_file(page: Page, files) -> None:
    """Give the page's spreadsheet zone a file, once the page is connected."""
    wait_upload_page_connected(page)
    page.locator("input[type=file]").set_input_files(files)


def log_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/connexion")


def pay_by_card(page: Page, number: str) -> None:
    """On the Stripe twin's hosted checkout page: type a card and pay."""
    page.locator("#cardNumber").fill(number)
    page.locator("#cardExpiry").fill("12 / 34")
    page.locator("#cardCvc").fill("123")
    page.locator("#billingName").fill("Awa Mbarga")
    page.locator("#submit").click()
