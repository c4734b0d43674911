"""End-to-end: Debian's Chromium driven by Playwright against the running product."""
from __future__ import annotations

import shutil
import time
from collections import deque

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
def new_page(browser, product, request):
    """Pages in fresh browser contexts (separate cookies), closed after the test. What the pages said
    (console, websocket frames, posted requests) is kept for the report of a failed test (tests/conftest.py)."""
    contexts = []
    request.node.browser_log = log = deque(maxlen=400)

    def open_page() -> Page:
        context = browser.new_context(base_url=product.public_url, locale="fr-FR",
                                      viewport={"width": 1280, "height": 800})
        context.set_default_timeout(E2E_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        _record(page, f"page {len(contexts)}", log)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _record(page: Page, name: str, log: deque) -> None:
    def note(line: str) -> None:
        log.append(f"{time.strftime('%H:%M:%S')} {name} {line[:300]}")

    page.on("console", lambda message: note(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: note(f"page error: {error}"))
    page.on("framenavigated", lambda frame: frame == page.main_frame and note(f"at {frame.url}"))

    def websocket(ws) -> None:
        note(f"websocket open {ws.url}")
        ws.on("framesent", lambda payload: note(f"-> {payload}"))
        ws.on("framereceived", lambda payload: note(f"<- {payload}"))
        ws.on("close", lambda _: note("websocket closed"))
    page.on("websocket", websocket)

    # uploads go over HTTP beside the socket: what was posted, and what came of it
    def posted(request, outcome: str) -> None:
        if request.method != "GET":
            note(f"{request.method} {request.url} {outcome}")
    page.on("request", lambda request: posted(request, "sent"))
    page.on("response", lambda response: posted(response.request, f"answered {response.status}"))
    page.on("requestfailed", lambda request: posted(request, f"failed {request.failure}"))


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
