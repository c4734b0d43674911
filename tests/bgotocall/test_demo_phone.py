"""`make run`'s demo: an agent of the demo connects the panel's phone with the SIP credentials the product
holds. Before, the PBX of a fresh data folder never read the demo's includes (the demo data is loaded
before the pbx bridge first starts, and the commands it sent were never run): the simulator kept its own
password for the demo's phones, and the browser phone said « refusé : vérifiez votre inscription »."""
import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in_and_land


@pytest.mark.e2e
def test_a_demo_agent_connects_the_browser_phone(page, product):
    log_in_and_land(page, "agent3@demo-sarl.cm", product.demo_password, "/bandeau")
    expect(page.get_by_test_id("softphone-status")).to_have_text("déconnecté")
    page.get_by_test_id("softphone-connect").click()
    expect(page.get_by_test_id("softphone-status")).to_have_text("connecté")
    expect(page.get_by_test_id("agent-status")).to_have_text("Prêt")
