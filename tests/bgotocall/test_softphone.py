"""Issue 13 « Must show », the browser phone in Chromium with the simulator: an enrolled agent connects the
panel's phone, which registers over the websocket with the enrolment's SIP credentials (the product sees the
phone: « Prêt »); a call reaches the agent, the browser rings, « Décrocher » answers it (« En appel »),
the call is held and resumed, the microphone muted, a key sent, and « Raccrocher » ends it (« Post-appel »).
Chromium's fake microphone; no media flows in the sandbox."""
import pytest
from playwright.sync_api import expect

from services.models.platform import Role
from services.voice.agents import enroll_agent
from services.voice.demo_call import demo_call
from services.voice.licences import grant_licences
from tests.services.voice.test_agents import choose_password
from tests.support.accounts import PASSWORD, context_for, new_tenant
from tests.support.ami import AmiProbe
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until

CUSTOMER = "+15557654301"   # the simulator's customer: answers after 1.5 s, stays on the line


def _known_to_the_pbx(probe: AmiProbe, endpoint: str) -> bool:
    """The bridge wrote the tenant's include and reloaded PJSIP (enrolment), so the phone may register."""
    try:
        reply = probe.call(probe.gateway.action("PJSIPShowEndpoint", Endpoint=endpoint))
    except Exception:          # the gateway raises on an error response
        return False
    return "Unable to retrieve" not in str(reply)


@pytest.mark.e2e
def test_the_browser_phone_registers_rings_answers_and_hangs_up(page, product):
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    email = f"m.essomba-{tenant.slug}@example-corp.cm"
    enrolled = enroll_agent(admin, "Essomba", "Marie", "m.essomba", email)
    choose_password(enrolled.user_id)
    probe = AmiProbe(product.pbx_port)
    try:
        wait_until(lambda: _known_to_the_pbx(probe, enrolled.endpoint), what="the endpoint reloaded in the PBX")
        log_in_and_land(page, email, PASSWORD, "/bandeau")
        expect(page.get_by_test_id("agent-status")).to_have_text("Déconnecté")
        expect(page.get_by_test_id("softphone-status")).to_have_text("déconnecté")

        page.get_by_test_id("softphone-connect").click()
        expect(page.get_by_test_id("softphone-status")).to_have_text("connecté")
        contact = probe.wait_event("ContactStatus", AOR=enrolled.endpoint, ContactStatus="Reachable")
        assert contact["URI"].endswith(";transport=ws")
        expect(page.get_by_test_id("agent-status")).to_have_text("Prêt")

        demo_call(enrolled.extension, customer=CUSTOMER, tenant=tenant.slug)
        expect(page.get_by_test_id("softphone-call")).to_have_text("Appel entrant")
        expect(page.get_by_test_id("agent-status")).to_have_text("Sonnerie")
        page.get_by_test_id("softphone-answer").click()
        expect(page.get_by_test_id("softphone-call")).to_have_text("En communication")
        expect(page.get_by_test_id("agent-status")).to_have_text("En appel")
        probe.wait_event("DialEnd", DialStatus="ANSWER", DestCallerIDNum=CUSTOMER)

        page.get_by_test_id("softphone-hold").click()                  # re-INVITE sendonly, answered recvonly
        expect(page.get_by_test_id("softphone-call")).to_have_text("En attente")
        probe.wait_event("Hold")
        page.get_by_test_id("softphone-hold").click()
        expect(page.get_by_test_id("softphone-call")).to_have_text("En communication")
        page.get_by_test_id("softphone-mute").click()
        expect(page.get_by_test_id("softphone-mute")).to_have_text("Rétablir le micro")
        page.get_by_test_id("softphone-keypad").click()
        page.get_by_test_id("dtmf-5").click()                           # SIP INFO
        probe.wait_event("DTMFEnd", Digit="5", Direction="Received")
        page.keyboard.press("Escape")

        page.get_by_test_id("softphone-hangup").click()
        expect(page.get_by_test_id("softphone-call")).to_have_count(0)
        expect(page.get_by_test_id("agent-status")).to_have_text("Post-appel")
        probe.wait_event("Hangup", CallerIDNum=CUSTOMER)
        expect(page.get_by_test_id("softphone-status")).to_have_text("connecté")
    finally:
        probe.close()
