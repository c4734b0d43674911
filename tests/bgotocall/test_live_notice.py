"""A notice published by a service reaches the user's open page without a reload."""
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from services.db.engine import platform_session
from services.models.platform import Role, User
from services.notifications import notify_user
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.browser import log_in_and_land


@pytest.mark.e2e
def test_notice_reaches_only_the_users_open_page_live(new_page):
    tenant = new_tenant()
    agent_email, other_email = new_user(tenant, Role.AGENT), new_user(tenant, Role.AGENT)
    agent, other = new_page(), new_page()
    log_in_and_land(agent, agent_email, PASSWORD, "/bandeau")
    log_in_and_land(other, other_email, PASSWORD, "/bandeau")
    agent.evaluate("window.__not_reloaded = true")
    with platform_session() as s:
        user = s.exec(select(User).where(User.email == agent_email)).one()

    notify_user(tenant.id, user.id, "Vous êtes affecté à la campagne Relance Mars")

    expect(agent.get_by_test_id("live-notice")).to_have_text(
        "Vous êtes affecté à la campagne Relance Mars", timeout=2_000)
    assert agent.evaluate("window.__not_reloaded") is True
    expect(other.get_by_test_id("live-notice")).to_have_count(0)
