"""Reading the sandbox inbox the way a person would, over its HTTP API."""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

from tests.support.waiting import wait_until


def messages_to(sandbox_url: str, email: str) -> list[dict]:
    query = urllib.parse.urlencode({"to": email})
    with urllib.request.urlopen(f"{sandbox_url}/inbox/api/messages?{query}", timeout=60) as r:
        return json.loads(r.read())


def wait_for_message(sandbox_url: str, email: str, count: int = 1, timeout: float = 30) -> dict:
    """The newest message once `count` messages have reached `email` (delivery is async)."""
    found = wait_until(lambda: (m := messages_to(sandbox_url, email)) and len(m) >= count and m,
                       timeout, what=f"email #{count} for {email}")
    return found[0]


def link_in(message: dict) -> str:
    return re.search(r"https?://\S+", message["text"]).group(0)


def click_tracked_link(page, sandbox_url: str, email: str, subject: str, link: str) -> str:
    """In the sandbox inbox, as the recipient: open the email `subject` sent to `email`, its
    HTML version, and click the link named `link`; the tracked address it pointed to (checked to
    be our redirect, the target not in the clear before its signed parameter)."""
    from playwright.sync_api import expect

    page.goto(f"{sandbox_url}/inbox/?{urllib.parse.urlencode({'to': email})}")
    expect(page.get_by_text(subject)).to_be_visible()
    page.get_by_test_id("html-version").click()
    anchor = page.get_by_role("link", name=link)
    tracked = anchor.get_attribute("href")
    assert "/api/messaging/email/click?" in tracked and "u=" in tracked
    anchor.click()
    return tracked


def expect_link_refused(page, url: str) -> None:
    """A tracked link whose target was changed: our redirect refuses it."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("heading", name="Lien invalide")).to_be_visible()
