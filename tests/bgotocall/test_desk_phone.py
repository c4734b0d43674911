"""Issue 13: an agent on a desk SIP phone (the browser phone left off) sees their call on the panel and hangs
it up from there: the panel drives the call over AMI (services/voice/call_control.py)."""
import pytest
from playwright.sync_api import expect

from services.identity.system import system_context
from services.platform.users import find_user
from services.voice.availability import become_ready
from services.voice.demo_call import demo_call
from services.voice.presence import AgentState, agent_state
from tests.support.ami import AmiProbe
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until

CUSTOMER = "+15557654301"   # the simulator's customer: answers after 1.5 s, stays on the line


@pytest.mark.e2e
def test_a_desk_phones_call_is_hung_up_from_the_panel(page, product):
    helene = find_user("agent1@demo-sarl.cm")
    probe = AmiProbe(product.pbx_port)
    try:
        log_in_and_land(page, "agent1@demo-sarl.cm", "Demo-2026!", "/bandeau")
        expect(page.get_by_test_id("agent-status")).to_have_text("Prêt")
        expect(page.get_by_test_id("softphone-status")).to_have_text("déconnecté")   # her desk phone is used
        demo_call("2001", customer=CUSTOMER)                       # her desk phone answers after 1 s
        expect(page.get_by_test_id("desk-call")).to_have_text("En appel sur votre téléphone")
        expect(page.get_by_test_id("agent-status")).to_have_text("En appel")
        page.get_by_test_id("desk-hangup").click()
        probe.wait_event("Hangup", CallerIDNum=CUSTOMER)
        expect(page.get_by_test_id("desk-call")).to_have_count(0)
        expect(page.get_by_test_id("agent-status")).not_to_have_text("En appel")
    finally:
        probe.close()
        agent = system_context(helene.tenant_id, helene.id)
        if agent_state(helene.tenant_id, helene.id) is not AgentState.READY:
            become_ready(agent)
        wait_until(lambda: agent_state(helene.tenant_id, helene.id) is AgentState.READY, what="Hélène « Prêt »")
