"""The wallboard follows the team and the queues live, without a reload; agents are refused."""
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from services.infra.redis import get_redis
from services.models.platform import Role
from services.voice.inbound import WAITING, InboundTracker
from services.voice.presence import AgentState, set_agent_state
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.campaigns import new_agent
from tests.support.interactions import add_interactions, new_report_campaign

LIVE = 30_000  # ms: an upper bound on a push through the loaded machine, not a pause


def _calls(campaign_id: int, first_contact: int, count: int) -> list[dict]:
    """Inbound calls answered within the SLA a minute ago (today in any zone but a minute after midnight)."""
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    return [dict(campaign_id=campaign_id, contact_id=first_contact + n, queued_at=at, address=f"+23769900{n:04d}",
                 step=0, channel="VOIX", direction="IN", slot="voice", status="ENDED",
                 answered_at=at + timedelta(seconds=5), ended_at=at + timedelta(seconds=40))
            for n in range(count)]


@pytest.mark.e2e
def test_the_wallboard_shows_a_state_change_and_a_waiting_caller_without_reload(page):
    tenant = new_tenant()
    sup = context_for(tenant, Role.SUPERVISOR)
    alice, bob = new_agent(tenant)[1], new_agent(tenant)[1]
    set_agent_state(tenant.id, alice, AgentState.READY)
    set_agent_state(tenant.id, bob, AgentState.PAUSED)
    campaign = new_report_campaign(sup, "Accueil")
    add_interactions(sup, _calls(campaign, 20_000_000, 2))

    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.get_by_test_id("nav-mur").click()
    page.wait_for_url("**/mur")
    expect(page.get_by_test_id("page-title")).to_have_text("Mur d'affichage")
    expect(page.get_by_test_id("sidebar")).to_have_count(0)          # the whole screen for the figures
    expect(page.get_by_test_id("wall-agents-READY")).to_have_text("1")
    expect(page.get_by_test_id("wall-agents-PAUSED")).to_have_text("1")
    expect(page.get_by_test_id("wall-handled")).to_have_text("2")
    expect(page.get_by_test_id("wall-answered")).to_have_text("100,0 %")
    expect(page.get_by_test_id("wall-waiting")).to_have_text("0")
    page.evaluate("window.__same_page = true")                      # gone if the page reloads

    set_agent_state(tenant.id, alice, AgentState.IN_CALL)            # the bridge saw her call start
    expect(page.get_by_test_id("wall-agents-IN_CALL")).to_have_text("1", timeout=LIVE)
    expect(page.get_by_test_id("wall-agents-READY")).to_have_text("0", timeout=LIVE)

    get_redis().hset(WAITING.format(tenant_id=tenant.id), "caller-1", (
        '{"uniqueid": "caller-1", "queue": "q", "phone": "+237677000001", "campaign": "Accueil", "since": %f}'
        % (datetime.now(timezone.utc).timestamp() - 65)))
    InboundTracker(lambda endpoint: None)._waiting_changed(tenant.id)   # what the tracker tells on a join
    expect(page.get_by_test_id("wall-waiting")).to_have_text("1", timeout=LIVE)
    expect(page.get_by_test_id("wall-longest")).to_contain_text("1:", timeout=LIVE)
    expect(page.get_by_test_id("wall-queue")).to_contain_text("Accueil", timeout=LIVE)

    add_interactions(sup, _calls(campaign, 20_000_100, 1))           # a third call ends
    expect(page.get_by_test_id("wall-handled")).to_have_text("3", timeout=LIVE)   # the throttled refresh
    assert page.evaluate("window.__same_page === true")


@pytest.mark.e2e
def test_an_agent_is_refused_the_wallboard(page):
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.AGENT), PASSWORD, "/bandeau")
    page.goto("/mur")
    page.wait_for_url("**/interdit")
    expect(page.get_by_test_id("page-title")).to_have_text("Accès refusé")
    expect(page.get_by_test_id("wallboard")).to_have_count(0)
