"""Issue 12's "Must show", WhatsApp side, in Chromium: a campaign's WhatsApp template goes out
through the Meta twin; the customer replies from the twin; an agent of the campaign answers in
the console and the customer sees the answer on the twin's phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from services.campaigns.assignment import sync_agents
from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from services.models.platform import Role, User
from services.settings import get_settings
from tests.services.messaging.conftest import MetaTwin, WhatsAppCampaign
from tests.support.accounts import PASSWORD, new_user
from tests.support.browser import log_in_and_land
from tests.support.console import answer_the_new_conversation
from tests.support.waiting import wait_until

QUESTION = "Bonjour, c'est valable jusqu'à quand ?"
ANSWER = "Bonjour {Nom}, jusqu'au 31 décembre."


def _read(c: WhatsAppCampaign) -> bool:
    with tenant_session(c.admin) as s:
        return s.exec(select(Interaction.status).where(Interaction.direction == "OUT")
                      ).all() == ["READ"]


def campaign_with_agent() -> tuple[WhatsAppCampaign, str, MetaTwin, str]:
    """A WhatsApp campaign whose template the workers sent and read, one agent on it:
    (campaign, the agent's email, the Meta twin, the customer's phone)."""
    c = WhatsAppCampaign(count=1, names=["Ngo"])
    agent = new_user(c.tenant, Role.AGENT)
    with platform_session() as s:
        agent_id = s.exec(select(User.id).where(User.email == agent)).one()
    with tenant_session(c.admin) as s:
        sync_agents(s, c.tenant.id, c.id, [agent_id])
    wait_until(lambda: _read(c), timeout=90, what="the campaign template sent by the workers")
    return c, agent, MetaTwin(get_settings().sandbox_url), c.phones[0]


@pytest.mark.e2e
def test_an_agent_answers_a_whatsapp_reply_and_the_customer_sees_it(page, product):
    c, agent, twin, phone = campaign_with_agent()
    assert [m["text"] for m in twin.conversation(phone)] == ["Bonjour Ngo, -10 % ce mois."]

    log_in_and_land(page, agent, PASSWORD, "/bandeau")
    page.get_by_test_id("open-conversations").click()
    page.wait_for_url("**/conversations")
    assert twin.inbound(phone, QUESTION)["webhook_status"] == 200
    answer_the_new_conversation(page, "WhatsApp", QUESTION, ANSWER)
    expect(page.get_by_test_id("message-out").get_by_test_id("message-body")
           ).to_have_text("Bonjour Ngo, jusqu'au 31 décembre.")
    seen = wait_until(lambda: [m for m in twin.conversation(phone) if m["direction"] == "out"
                               and m["text"] == "Bonjour Ngo, jusqu'au 31 décembre."],
                      timeout=30, what="the answer on the customer's phone")
    assert len(seen) == 1 and seen[0]["type"] == "text"
