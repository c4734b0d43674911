"""End-to-end: Debian's Chromium driven by Playwright against the running product."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync",
                 # the agent panel's browser phone: microphone granted, from a fake device (no media in tests)
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

# Waits are event-driven; their bound only says when to give up. A 2-core machine shared with
# CPU-bound jobs can take tens of seconds to compile or hydrate a page, so the bound is wide.
E2E_TIMEOUT_MS = 60_000
expect.set_options(timeout=E2E_TIMEOUT_MS)


# One browser per module: Playwright's sync API keeps an event loop running in this
# thread while it is open, which the asyncio tests that follow must not inherit.
@pytest.fixture(scope="module")
def browser(product):
    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, product):
    """Pages in fresh browser contexts (separate cookies), closed after the test."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=product.public_url, locale="fr-FR",
                                      viewport={"width": 1280, "height": 800})
        context.set_default_timeout(E2E_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
