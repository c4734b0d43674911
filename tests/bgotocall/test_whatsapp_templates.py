"""The WhatsApp template registry in Chromium: a template is submitted to Meta (the sandbox
twin) and Meta's decision, arriving by its signed webhook, is shown with its reason."""
import pytest
from playwright.sync_api import expect

from services.campaigns.whatsapp_templates import list_templates
from services.models.platform import Role
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until


def _add(page, name: str, body: str) -> None:
    page.locator("#wa-name").fill(name)
    page.locator("#wa-body").fill(body)
    page.get_by_test_id("wa-add").click()


@pytest.mark.e2e
def test_a_template_submitted_to_meta_gets_metas_decision(page):
    tenant = new_tenant()
    admin = context_for(tenant, Role.ADMIN)
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/campagnes")
    registry = page.get_by_test_id("wa-registry")
    accepted, refused = f"relance_t{tenant.id}", f"offre_refusee_t{tenant.id}"
    rows = registry.get_by_test_id("wa-template-row")
    _add(page, accepted, "Bonjour {{1}}, votre rendez-vous est le {{2}}.")
    expect(rows).to_have_count(1)  # added, and the form emptied: ready for the next one
    expect(page.locator("#wa-name")).to_have_value("")
    _add(page, refused, "Bonjour {{1}}, une offre pour vous.")
    expect(rows).to_have_count(2)
    for row in (rows.filter(has_text=accepted), rows.filter(has_text=refused)):
        expect(row).to_contain_text("En attente")
        row.get_by_test_id("wa-submit").click()
        expect(row.get_by_test_id("wa-submit")).to_have_count(0)
    wait_until(lambda: {t.name: t.status for t in list_templates(admin)} == {
        accepted: "APPROVED", refused: "REJECTED"}, timeout=60, what="Meta's decisions")
    page.reload()
    expect(rows.filter(has_text=accepted)).to_contain_text("Approuvé")
    expect(rows.filter(has_text=refused)).to_contain_text("Rejeté")
    expect(rows.filter(has_text=refused)).to_contain_text("INVALID_FORMAT")
