"""Issue 17's "Must show" in Chromium, all in sandbox mode: a campaign SMS goes out; the customer
replies from the Twilio twin; the reply appears live in the console of an agent of that campaign
(and on their panel's unread badge); the agent answers; the customer gets it personalised, in one
segment; the contact's history shows both; a STOP blacklists the contact and closes the
conversation. A forged event for a conversation the agent may not see is refused and logged."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from bgotocall.state.conversations import ConversationsState
from services.campaigns.assignment import sync_agents
from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.models.audience import OptOut
from services.models.conversations import Conversation
from services.models.interactions import Interaction
from services.models.platform import Role, SecurityEvent, User
from services.settings import get_settings
from tests.bgotocall.test_forged_event import SocketTap
from tests.services.messaging.conftest import SmsCampaign, Twin, phones_at_any_hour
from tests.support.accounts import PASSWORD, new_user
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until

QUESTION = "Bonjour, c'est combien ?"
ANSWER = "Bonjour {Prenom}, c'est 5 000 FCFA le carton."
PERSONALISED = "Bonjour Awa, c'est 5 000 FCFA le carton."
OPEN = f"{ConversationsState.get_full_name()}.open_conversation"


def _user_id(email: str) -> int:
    with platform_session() as s:
        return s.exec(select(User.id).where(User.email == email)).one()


def _campaign_with_agent() -> tuple[SmsCampaign, str]:
    c = SmsCampaign(count=1, names=["Ngo"], numbers=phones_at_any_hour(1))  # answered at once
    agent = new_user(c.tenant, Role.AGENT)
    with tenant_session(c.admin) as s:
        sync_agents(s, c.tenant.id, c.id, [_user_id(agent)])
    wait_until(lambda: _delivered(c), timeout=90, what="the campaign SMS sent by the workers")
    return c, agent


def _delivered(c: SmsCampaign) -> bool:
    with tenant_session(c.admin) as s:
        return s.exec(select(Interaction.status).where(Interaction.direction == "OUT")
                      ).all() == ["DELIVERED"]


@pytest.mark.e2e
def test_an_agent_answers_a_campaign_sms_reply_live_in_the_console(page, new_page, product):
    c, agent = _campaign_with_agent()
    twin, phone = Twin(get_settings().sandbox_url), c.phones[0]
    panel = new_page()
    log_in_and_land(panel, agent, PASSWORD, "/bandeau")
    expect(panel.get_by_test_id("unread-badge")).to_have_text("0")
    log_in_and_land(page, agent, PASSWORD, "/bandeau")
    page.get_by_test_id("open-conversations").click()
    page.wait_for_url("**/conversations")
    expect(page.get_by_test_id("empty-state").first).to_be_visible()

    assert twin.inbound(phone, QUESTION)["webhook_status"] == 200
    line = page.get_by_test_id("conversation")
    expect(line).to_have_count(1)                       # live, no reload
    expect(line.get_by_test_id("conversation-last")).to_have_text(QUESTION)
    expect(line.get_by_test_id("channel")).to_have_text("SMS")
    expect(line.get_by_test_id("conversation-unread")).to_have_text("1")
    expect(panel.get_by_test_id("unread-badge")).to_have_text("1")

    line.click()
    expect(page.get_by_test_id("message-in").get_by_test_id("message-body")).to_have_text(QUESTION)
    expect(page.get_by_test_id("message-in").get_by_test_id("channel")).to_have_text("SMS")
    expect(panel.get_by_test_id("unread-badge")).to_have_text("0")
    page.get_by_test_id("composer").fill(ANSWER)
    expect(page.get_by_test_id("composer-estimate")).to_contain_text("1 segment (GSM-7)")
    page.get_by_test_id("composer").fill(ANSWER + " ✓")
    expect(page.get_by_test_id("composer-estimate")).to_contain_text("(UCS-2)")
    page.get_by_test_id("composer").fill(ANSWER)
    page.get_by_test_id("send-reply").click()
    expect(page.get_by_test_id("conv-notice")).to_have_text("Réponse envoyée.")
    expect(page.get_by_test_id("message-out").get_by_test_id("message-body")
           ).to_have_text(PERSONALISED)

    received = wait_until(lambda: [m for m in twin.messages_to(phone) if m["body"] == PERSONALISED],
                          timeout=30, what="the answer at the twin")
    assert len(received) == 1 and received[0]["num_segments"] == "1"
    history = page.get_by_test_id("contact-history")
    expect(history.filter(has_text=QUESTION)).to_have_count(1)
    expect(history.filter(has_text=PERSONALISED)).to_have_count(1)

    assert twin.inbound(phone, "STOP")["webhook_status"] == 200
    expect(page.get_by_test_id("conversation-closed")).to_be_visible()   # live
    expect(page.get_by_test_id("message-in").last.get_by_test_id("message-body")
           ).to_have_text("STOP")
    with tenant_session(c.admin) as s:
        assert s.exec(select(OptOut).where(OptOut.phone == phone)).one().source == "STOP"
        assert s.exec(select(Conversation)).one().status == "CLOSED"


@pytest.mark.e2e
def test_an_agent_forging_another_campaigns_conversation_gets_nothing(page, product):
    c, _ = _campaign_with_agent()
    assert Twin(get_settings().sandbox_url).inbound(c.phones[0], QUESTION)["webhook_status"] == 200
    with tenant_session(c.admin) as s:
        conversation_id = s.exec(select(Conversation.id)).one()
    outsider = new_user(c.tenant, Role.AGENT)
    tap = SocketTap(page)
    log_in_and_land(page, outsider, PASSWORD, "/bandeau")
    page.get_by_test_id("open-conversations").click()
    page.wait_for_url("**/conversations")
    expect(page.get_by_test_id("empty-state").first).to_be_visible()
    page.get_by_test_id("show-closed").click()      # an event of the console, on this socket
    expect(page.get_by_test_id("show-closed")).to_be_checked()
    tap.forge(OPEN, {"conversation_id": conversation_id})
    expect(page.get_by_test_id("conv-error")).to_have_text("Conversation introuvable.")
    expect(page.get_by_test_id("message-body")).to_have_count(0)
    with platform_session() as s:
        refusals = s.exec(select(SecurityEvent).where(
            SecurityEvent.kind == "access_denied",
            SecurityEvent.user_id == _user_id(outsider))).all()
    assert [r.detail["action"] for r in refusals] == ["open_conversation"]


@pytest.mark.e2e
def test_a_supervisor_moves_a_conversation_to_another_agent_live(page, new_page, product):
    c, _ = _campaign_with_agent()
    other = new_user(c.tenant, Role.AGENT)
    with platform_session() as s:
        s.exec(select(User).where(User.email == other)).one().full_name = "Mireille Ekane"
        s.commit()
    assert Twin(get_settings().sandbox_url).inbound(c.phones[0], QUESTION)["webhook_status"] == 200
    taker = new_page()
    log_in_and_land(taker, other, PASSWORD, "/bandeau")
    taker.get_by_test_id("open-conversations").click()
    taker.wait_for_url("**/conversations")
    expect(taker.get_by_test_id("empty-state").first).to_be_visible()

    log_in_and_land(page, new_user(c.tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.get_by_test_id("nav-conversations").click()
    page.wait_for_url("**/conversations")
    page.get_by_test_id("conversation").filter(has_text=QUESTION).click()
    expect(page.get_by_test_id("thread-meta")).to_contain_text("Non affectée")
    page.get_by_test_id("assign").click()
    page.get_by_role("option", name="Mireille Ekane").click()
    expect(page.get_by_test_id("conv-notice")).to_have_text("Conversation réaffectée.")
    expect(page.get_by_test_id("thread-meta")).to_contain_text("Mireille Ekane")
    expect(taker.get_by_test_id("conversation")).to_have_count(1)       # live, no reload
    with tenant_session(c.admin) as s:
        assigned = s.exec(select(Conversation.agent_id)).one()
    assert assigned == _user_id(other)
