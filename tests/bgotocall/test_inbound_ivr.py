"""Issue 13, inbound in Chromium with the simulator: the supervisor designs an IVR on a DID (validation,
keys, number), the PBX reloads it, a simulated customer calls the DID and presses 2, the queue rings
Hélène and her panel pops the caller's card before she answers; while nobody is free, the supervisor sees
the caller waiting, live."""
import random
import uuid

import pytest
from playwright.sync_api import expect

from services.audience.file_import import import_file
from services.identity.login import log_in
from services.identity.sessions import resolve_session
from services.identity.system import system_context
from services.platform.users import find_user
from services.voice.availability import become_ready, take_break
from services.voice.ivr import delete_menu, list_menus
from services.voice.phone_numbers import delete_number, list_numbers, save_number
from services.voice.presence import AgentState, agent_state
from tests.support.ami import AmiProbe
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until


@pytest.mark.e2e
def test_a_designed_ivr_routes_a_caller_who_presses_2_to_the_agent_whose_panel_pops_the_card(new_page, product):
    from tests.bgotocall.test_agents import demo_supervisor
    sup = demo_supervisor()
    admin = resolve_session(log_in("admin@demo-sarl.cm", "Demo-2026!", "10.8.8.9").token)
    helene = system_context(sup.tenant_id, find_user("agent1@demo-sarl.cm").id)
    francois = system_context(sup.tenant_id, find_user("agent2@demo-sarl.cm").id)
    did, caller = f"+237699{random.randint(100000, 999999)}", f"+237677{random.randint(100000, 999999)}"
    name = f"Accueil {uuid.uuid4().hex[:6]}"
    assert save_number(admin, None, did, "Accueil e2e", [], None) == {}
    number_id = next(n.id for n in list_numbers(admin) if n.number == did)
    import_file(sup, f"Appelants {name}", f"Nom;Prénom;Téléphone;Email\nMballa;Jeanne;{caller};j@exemple.cm\n".encode())
    take_break(francois, "Déjeuner")            # the queue can only ring Hélène (agent3 has no phone)
    probe = AmiProbe(product.pbx_port)
    try:
        page = new_page()
        log_in_and_land(page, "superviseur@demo-sarl.cm", "Demo-2026!", "/supervision")
        page.get_by_test_id("sidebar").get_by_role("link", name="Serveur vocal").click()
        expect(page.get_by_test_id("page-title")).to_have_text("Serveur vocal (SVI)")
        page.get_by_test_id("new-ivr").click()
        page.locator("#ivr-name").fill(name)
        page.get_by_test_id("ivr-save").click()                          # no greeting, no key yet
        expect(page.get_by_test_id("error-ivr-greeting_audio")).to_contain_text("fichier audio d'accueil")
        expect(page.get_by_test_id("error-ivr-options")).to_contain_text("Ajoutez au moins un choix")
        page.locator("#ivr-greeting_audio").fill("accueil")
        page.locator("#ivr-digit_2").select_option("queue:sales")
        page.locator("#ivr-digit_9").select_option("hangup")
        page.get_by_role("dialog").get_by_text(f"{did} — Accueil e2e").click()
        page.locator("#ivr-greeting_audio").press("Enter")               # the keyboard saves the form
        row = page.get_by_test_id("ivr-row").filter(has_text=name)
        expect(row).to_contain_text(did)
        expect(row).to_contain_text("2 → File générale")

        menu = next(m for m in list_menus(sup) if m.name == name)
        context = f"t-demo-ivr-{menu.id}"

        def reloaded() -> bool:
            reply = probe.call(probe.gateway.action("Command", as_list=False, Command=f"dialplan show {context}"))
            return "Background" in str(reply)
        wait_until(reloaded, what="the IVR in the PBX after reload")

        agent = new_page()
        log_in_and_land(agent, "agent1@demo-sarl.cm", "Demo-2026!", "/bandeau")
        agent.get_by_test_id("agent-pause").click()                    # nobody free: the caller waits
        agent.get_by_role("menuitem", name="Déjeuner").click()
        expect(agent.get_by_test_id("agent-status")).to_have_text("Pause")
        page.goto("/supervision")
        expect(page.get_by_test_id("waiting-calls")).to_contain_text("Aucun appelant en file d'attente.")
        placed = probe.call(probe.gateway.action("SandboxInboundCall", as_list=False, DID=did, CallerID=caller,
                                                 Digits="2"))
        probe.wait_event("QueueCallerJoin", Channel=placed["Channel"], Queue="demo-sales", timeout=30)
        waiting = page.get_by_test_id("waiting-call")
        expect(waiting).to_contain_text(caller)                          # the supervisor sees it wait, live
        expect(waiting).to_contain_text("demo-sales")
        agent.get_by_test_id("agent-ready").click()                     # Hélène is back: the queue rings her
        probe.wait_event("AgentCalled", Channel=placed["Channel"], Interface="PJSIP/demo-2001")
        expect(agent.get_by_test_id("screen-pop")).to_be_visible(timeout=30_000)
        expect(agent.get_by_test_id("pop-contact-name")).to_have_text("Jeanne Mballa")
        expect(agent.get_by_test_id("pop-contact-phone")).to_have_text(caller)
        probe.wait_event("AgentConnect", Queue="demo-sales", Interface="PJSIP/demo-2001")
        expect(page.get_by_test_id("waiting-count")).to_have_text("0")
        expect(agent.get_by_test_id("call-phase")).to_have_text("En communication", timeout=20_000)
        probe.call(probe.gateway.action("Hangup", Channel=placed["Channel"]))
        expect(agent.get_by_test_id("call-phase")).to_have_text("Post-appel : qualifiez l'appel", timeout=20_000)
        agent.get_by_test_id("call-code").click()                      # no campaign: the default codes
        agent.get_by_role("option", name="Refus").click()
        agent.get_by_test_id("call-validate").click()
        expect(agent.get_by_test_id("agent-status")).to_have_text("Prêt")
    finally:
        probe.close()
        for menu in [m for m in list_menus(sup) if m.name == name]:
            delete_menu(sup, menu.id)
        delete_number(admin, number_id)
        become_ready(francois)
        wait_until(lambda: agent_state(sup.tenant_id, helene.user_id) in (AgentState.WRAP_UP, AgentState.READY),
                   what="the call over")
        become_ready(helene)
        wait_until(lambda: agent_state(sup.tenant_id, helene.user_id) is AgentState.READY, what="Hélène ready")
