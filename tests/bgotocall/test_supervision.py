"""The supervisor's home follows the team live: a state change shows without a reload."""
import pytest
from playwright.sync_api import expect

from services.campaigns.lifecycle import create_campaign, launch_campaign, pause_campaign
from services.models.platform import Role
from services.voice.presence import AgentState, set_agent_state
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.campaigns import fund, launchable_config, new_agent, ready_list


@pytest.mark.e2e
def test_the_supervision_home_shows_the_team_and_live_campaigns_as_they_change(page):
    tenant = new_tenant()
    sup = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    alice, bob = new_agent(tenant)[1], new_agent(tenant)[1]
    set_agent_state(tenant.id, alice, AgentState.READY)
    set_agent_state(tenant.id, bob, AgentState.READY)
    campaign = create_campaign(sup, {**launchable_config(ready_list(sup), alice, "Relance Avril"),
                                     "agents": [alice, bob]})
    launch_campaign(sup, campaign.id)

    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    expect(page.get_by_test_id("kpi-READY")).to_have_text("2")
    expect(page.get_by_test_id("kpi-IN_CALL")).to_have_text("0")
    row = page.get_by_test_id("live-campaign").filter(has_text="Relance Avril")
    expect(row).to_be_visible()
    expect(page.get_by_test_id("team-distribution")).to_be_visible()

    set_agent_state(tenant.id, alice, AgentState.IN_CALL)               # the bridge saw her call start
    expect(page.get_by_test_id("kpi-IN_CALL")).to_have_text("1")
    expect(page.get_by_test_id("kpi-READY")).to_have_text("1")
    expect(row.locator("td").nth(4)).to_have_text("1")                 # Prêts
    expect(row.locator("td").nth(5)).to_have_text("1")                 # En communication
    other = create_campaign(sup, {**launchable_config(ready_list(sup, "Clients Yaoundé"), bob, "Enquête Mai"),
                                  "agents": [bob]})
    launch_campaign(sup, other.id)                                     # launched from another tab
    expect(page.get_by_test_id("live-campaign").filter(has_text="Enquête Mai")).to_be_visible()
    pause_campaign(sup, other.id)
    expect(page.get_by_test_id("live-campaign").filter(has_text="Enquête Mai")).to_have_count(0)
    row.get_by_role("link", name="Relance Avril").click()
    page.wait_for_url(f"**/campagnes/edition?id={campaign.id}")


@pytest.mark.e2e
def test_only_supervision_pages_follow_every_agent(new_page):
    """An agent's tab hears of itself only, not of each colleague's every change."""
    from services.infra.redis import get_redis
    from services.live import supervision_topic, user_topic
    from services.live.subscriptions import _key
    from services.platform.users import find_user
    from tests.support.waiting import wait_until

    tenant = new_tenant()
    agent_email = new_user(tenant, Role.AGENT)

    def tabs(topic: str) -> int:
        return get_redis().zcard(_key(topic))

    log_in_and_land(new_page(), agent_email, PASSWORD, "/bandeau")
    wait_until(lambda: tabs(user_topic(tenant.id, find_user(agent_email).id)) == 1, what="the agent's tab listening")
    assert tabs(supervision_topic(tenant.id)) == 0
    log_in_and_land(new_page(), new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    wait_until(lambda: tabs(supervision_topic(tenant.id)) == 1, what="the supervisor's tab following the team")


@pytest.mark.e2e
def test_an_agents_card_says_why_they_pause_and_on_which_campaign_and_with_whom_they_talk(page):
    tenant = new_tenant()
    agent = new_agent(tenant)[1]
    set_agent_state(tenant.id, agent, AgentState.READY)
    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.goto("/supervision/agents")
    card = page.get_by_test_id("agent-card")
    expect(card).to_have_count(1)

    set_agent_state(tenant.id, agent, AgentState.PAUSED, reason="Pause déjeuner")
    expect(card.get_by_test_id("agent-reason")).to_have_text("Motif : Pause déjeuner")
    set_agent_state(tenant.id, agent, AgentState.IN_CALL, campaign="Relance Avril",
                    caller="+237 6 71 23 45 67")
    expect(card.get_by_test_id("agent-campaign")).to_have_text("Campagne : Relance Avril")
    expect(card.get_by_test_id("agent-caller")).to_have_text("Correspondant : +237 6 71 23 45 67")
    expect(card.get_by_test_id("agent-reason")).to_have_count(0)
