"""WhatsApp console in Chromium, images and PDFs both ways: a customer sends a photo from the
Meta twin, it shows in the agent's console (fetched through the checked media route); the
agent answers with a PDF, and the twin's conversation shows the document."""
from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from services.sandbox.meta.app import PIXEL
from tests.bgotocall.test_whatsapp_console import campaign_with_agent
from tests.support.accounts import PASSWORD
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.e2e
def test_a_customers_photo_shows_in_the_console_and_the_agents_pdf_reaches_the_phone(
        page, product):
    _, agent, twin, phone = campaign_with_agent()

    log_in_and_land(page, agent, PASSWORD, "/bandeau")
    page.get_by_test_id("open-conversations").click()
    page.wait_for_url("**/conversations")
    assert twin.inbound(phone, type="image", caption="Ma facture",
                        content_base64=base64.b64encode(PIXEL).decode())["webhook_status"] == 200
    line = page.get_by_test_id("conversation")
    expect(line).to_have_count(1, timeout=30_000)  # live, no reload
    line.click()
    image = page.get_by_test_id("message-in").get_by_test_id("message-image")
    expect(image).to_be_visible(timeout=30_000)
    page.wait_for_function("img => img.complete && img.naturalWidth === 1",
                           arg=image.element_handle(), timeout=30_000)  # the twin's 1x1 PNG
    expect(page.get_by_test_id("window-end")).to_contain_text(
        "Fenêtre de réponse ouverte jusqu'à")

    page.get_by_test_id("attach").locator("input[type=file]").set_input_files(files=[{
        "name": "devis.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    expect(page.get_by_test_id("message-out").get_by_test_id("message-document")
           ).to_have_text("devis.pdf", timeout=30_000)
    seen = wait_until(lambda: [m for m in twin.conversation(phone) if m["direction"] == "out"
                               and m["type"] == "document"], timeout=30,
                      what="the PDF on the customer's phone")
    assert [m["text"] for m in seen] == ["devis.pdf"]
