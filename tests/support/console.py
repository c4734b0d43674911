"""The agents' console (/conversations) as a test uses it in Chromium."""
from __future__ import annotations

from playwright.sync_api import Page, expect


def answer_the_new_conversation(page: Page, channel: str, last: str, reply: str) -> None:
    """The one conversation appears live (no reload) with its channel and last message; the agent opens it
    and sends `reply`."""
    line = page.get_by_test_id("conversation")
    expect(line).to_have_count(1)
    expect(line.get_by_test_id("channel")).to_have_text(channel)
    expect(line.get_by_test_id("conversation-last")).to_have_text(last)
    line.click()
    page.get_by_test_id("composer").fill(reply)
    page.get_by_test_id("send-reply").click()
