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


@pytest.mark.e2e
def test_a_team_shows_its_members_and_is_deleted_after_confirmation_unless_a_campaign_uses_it(page):
    from services.campaigns.lifecycle import archive_campaign, create_campaign
    from services.voice.skills import set_agent_teams
    from tests.support.campaigns import launchable_config, new_agent, ready_list

    tenant = new_tenant()
    sup = context_for(tenant, Role.SUPERVISOR)
    team = create_team(sup, "Recouvrement", "Impayés")
    agent = new_agent(tenant)[1]
    set_agent_teams(sup, agent, [team.id])
    campaign = create_campaign(sup, {**launchable_config(ready_list(sup), agent, "Relance"), "teams": [team.id]})

    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.goto("/equipes")
    row = page.get_by_test_id("team-row").filter(has_text="Recouvrement")
    expect(row).to_contain_text("1")
    row.get_by_test_id("delete-team").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Ses agents restent inscrits")
    page.get_by_test_id("confirm-delete-team").click()
    expect(page.get_by_text("staffe encore : Relance")).to_be_visible()     # refused: a campaign uses it
    expect(row).to_be_visible()

    archive_campaign(sup, campaign.id)
    row.get_by_test_id("delete-team").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Annuler").click()
    expect(row).to_be_visible()                                          # cancelled: nothing changes
    row.get_by_test_id("delete-team").click()
    page.get_by_test_id("confirm-delete-team").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("Aucune équipe")
