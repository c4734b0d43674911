"""The Teams page: creation from the form, and one tenant's data only."""
import pytest
from playwright.sync_api import expect

from services.models.platform import Role
from services.teams import create_team
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land


@pytest.mark.e2e
def test_supervisor_sees_only_its_tenants_teams_and_creates_one(page):
    tenant_a, tenant_b = new_tenant(), new_tenant()
    create_team(context_for(tenant_a, Role.ADMIN), "Ventes", "équipe de A")
    create_team(context_for(tenant_a, Role.ADMIN), "Recouvrement", "seulement chez A")
    create_team(context_for(tenant_b, Role.ADMIN), "Ventes", "équipe de B")

    log_in_and_land(page, new_user(tenant_b, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.get_by_role("link", name="Équipes").click()
    table = page.get_by_test_id("teams-table")
    expect(table).to_contain_text("équipe de B")
    expect(table).not_to_contain_text("équipe de A")
    expect(table).not_to_contain_text("Recouvrement")

    page.locator("#team-name").fill("Support N1")
    page.locator("#team-description").fill("Appels entrants")
    page.get_by_test_id("create-team").click()
    expect(table).to_contain_text("Appels entrants")
    page.locator("#team-name").fill("Ventes")
    page.get_by_test_id("create-team").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("existe déjà")


@pytest.mark.e2e
def test_empty_state_explains_the_page(page):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/equipes")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Aucune équipe pour l'instant")
