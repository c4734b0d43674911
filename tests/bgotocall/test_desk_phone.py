"""Issue 13: an agent on a desk SIP phone (the browser phone left off) sees their call on the panel and hangs
it up or transfers it from there: the panel drives the call over AMI (services/voice/call_control.py)."""
import re

import pytest
from playwright.sync_api import expect

from services.identity.system import system_context
from services.platform.users import find_user
from services.voice.availability import become_ready
from services.voice.call_control import hang_up
from services.voice.demo_call import demo_call
from services.voice.directory import extension_of
from services.voice.presence import AgentState, agent_state
from tests.support.ami import AmiProbe
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until

CUSTOMER = "+15557654301"   # the simulator's customer: answers after 1.5 s, stays on the line


@pytest.fixture
def helene_on_a_desk_call(page, product):
    """Hélène « Prêt » on /bandeau with her browser phone off, in a call her desk phone answered."""
    helene = find_user("agent1@demo-sarl.cm")
    probe = AmiProbe(product.pbx_port)
    try:
        log_in_and_land(page, "agent1@demo-sarl.cm", "Demo-2026!", "/bandeau")
        expect(page.get_by_test_id("agent-status")).to_have_text("Prêt")
        expect(page.get_by_test_id("softphone-status")).to_have_text("déconnecté")   # her desk phone is used
        demo_call("2001", customer=CUSTOMER)                       # her desk phone answers after 1 s
        expect(page.get_by_test_id("desk-call")).to_have_text("En appel sur votre téléphone")
        expect(page.get_by_test_id("agent-status")).to_have_text("En appel")
        yield probe
    finally:
        probe.close()
        agent = system_context(helene.tenant_id, helene.id)
        if agent_state(helene.tenant_id, helene.id) is not AgentState.READY:
            become_ready(agent)
        wait_until(lambda: agent_state(helene.tenant_id, helene.id) is AgentState.READY, what="Hélène « Prêt »")


@pytest.mark.e2e
def test_a_desk_phones_call_is_hung_up_from_the_panel(page, helene_on_a_desk_call):
    page.get_by_test_id("desk-hangup").click()
    helene_on_a_desk_call.wait_event("Hangup", CallerIDNum=CUSTOMER)
    expect(page.get_by_test_id("desk-call")).to_have_count(0)
    expect(page.get_by_test_id("agent-status")).not_to_have_text("En appel")


@pytest.mark.e2e
def test_a_desk_phones_call_is_transferred_to_a_colleague_from_the_panel(page, helene_on_a_desk_call):
    probe = helene_on_a_desk_call
    francois = find_user("agent2@demo-sarl.cm")
    francois_ctx = system_context(francois.tenant_id, francois.id)
    his_phone = f"PJSIP/demo-{extension_of(francois_ctx, francois.id)}-"
    probe.wait_event("BridgeEnter", CallerIDNum=CUSTOMER)       # the customer answered: a call to hand on
    page.get_by_test_id("softphone-transfer-target").click()
    page.get_by_role("option", name=re.compile("François Eto'o")).click()
    page.get_by_test_id("softphone-transfer").click()
    try:
        # the customer's channel now dials François's desk phone, which answers it after 1 s
        probe.wait_for(lambda e: e.get("Event") == "DialBegin" and e.get("CallerIDNum") == CUSTOMER
                       and e.get("DestChannel", "").startswith(his_phone))
        probe.wait_for(lambda e: e.get("Event") == "BridgeEnter" and e.get("Channel", "").startswith(his_phone))
        expect(page.get_by_test_id("desk-call")).to_have_count(0)          # Hélène's part is over
        expect(page.get_by_test_id("agent-status")).not_to_have_text("En appel")
    finally:
        hang_up(francois_ctx)
        probe.wait_event("Hangup", CallerIDNum=CUSTOMER)
        wait_until(lambda: agent_state(francois.tenant_id, francois.id) is not AgentState.IN_CALL,
                   what="François's call over")
        if agent_state(francois.tenant_id, francois.id) is AgentState.WRAP_UP:    # the call's post-call work
            become_ready(francois_ctx)
