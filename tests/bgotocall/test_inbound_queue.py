"""Inbound end to end in Chromium with the simulator (the issue's words): a call from a known VIP contact
presses 1, jumps the queue, and pops on the skilled agent's panel with the form pre-filled before the
answer; with every agent busy the caller's callback request is dialled back when one frees up, and a
message left is listened to and handled in « Messages vocaux ».

Set up with the product's functions on the demo tenant: a LIVE « Appels entrants » campaign (open all
week) whose required skill Hélène has at 5 and François at 2, whose list marks a VIP contact, and a DID
whose menu sends key 1 to the campaign's queue. The simulator runs on the real clock (the caller's
maximum wait is real seconds). Out of hours is covered by tests/services/voice/test_inbound.py."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from services.audience.file_import import import_file
from services.audience.imports import add_custom_field, custom_field_names
from services.campaigns.forms import clean_form
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.identity.login import log_in
from services.identity.sessions import resolve_session
from services.identity.system import system_context
from services.live import user_topic
from services.models.columns import utcnow
from services.platform.users import find_user
from services.voice.availability import become_ready, take_break
from services.voice.ivr import delete_menu, list_menus, save_menu
from services.voice.phone_numbers import delete_number, list_numbers, save_number
from services.voice.presence import AgentState, agent_state
from services.voice.skills import set_agent_skill
from tests.services.voice.test_inbound import live
from tests.support.ami import AmiProbe
from tests.support.browser import log_in_and_land
from tests.support.campaigns import calling_campaign_config, free_agent_after, fund, in_lunch_break
from tests.support.interactions import add_interactions
from tests.support.waiting import wait_until

PASSWORD = "Demo-2026!"
HELENE, FRANCOIS = "PJSIP/demo-2001", "PJSIP/demo-2002"


def french_mobiles(count: int) -> list[str]:
    """Distinct callers; dialled back, the simulator's customer answers after 1.5 s and hangs up 5 s later
    (…11). 06 12: a valid French mobile range (some 06 9x are not, and the import rejects them)."""
    return [f"+33612{n:04d}11" for n in random.sample(range(10_000), count)]


@dataclass
class Line:
    sup: object
    admin: object
    helene: object
    francois: object
    campaign_id: int
    queue: str
    did: str
    number_id: int
    menu_name: str
    skill: str
    vip: str          # Grand Compte, VIP, a qualified past call answered « Motif: Livraison »
    paul: str         # Paul Client
    jeanne: str       # Jeanne Mballa


def inbound_line(probe: AmiProbe, max_wait_seconds: int) -> Line:
    """The campaign, its list, its skill, the DID's menu; returns once the PBX rings by skill and routes key 1."""
    from tests.bgotocall.test_agents import demo_supervisor
    sup = demo_supervisor()
    admin = resolve_session(log_in("admin@demo-sarl.cm", PASSWORD, "10.8.8.9").token)
    helene = system_context(sup.tenant_id, find_user("agent1@demo-sarl.cm").id)
    francois = system_context(sup.tenant_id, find_user("agent2@demo-sarl.cm").id)
    tag = uuid.uuid4().hex[:6]
    vip, paul, jeanne = french_mobiles(3)
    if "VIP" not in custom_field_names(sup):
        add_custom_field(sup, "VIP")
    clients = import_file(sup, f"Grands comptes {tag}", (
        f"Nom;Prénom;Téléphone;Email;VIP\nCompte;Grand;{vip};gc-{tag}@exemple.fr;oui\n"
        f"Client;Paul;{paul};paul-{tag}@exemple.fr;non\nMballa;Jeanne;{jeanne};jeanne-{tag}@exemple.fr;non\n").encode())
    skill = f"Grands comptes {tag}"
    set_agent_skill(admin, helene.user_id, skill, 5)
    set_agent_skill(admin, francois.user_id, skill, 2)
    fund(sup.tenant_id)
    config = calling_campaign_config(f"Ligne grands comptes {tag}", clients, helene.user_id, "INBOUND",
                                     "<p>Bonjour {Prenom} {Nom}.</p>")
    config["channels"]["voice"].update(skill=skill, vip_field="VIP", max_wait_seconds=max_wait_seconds)
    config["form"] = clean_form([{"label": "Motif", "type": "text", "required": False}])
    config["agents"] = [helene.user_id, francois.user_id]
    campaign = create_campaign(sup, config)
    launch_campaign(sup, campaign.id)
    queue = f"demo-campaign-{campaign.id}"
    wait_until(lambda: penalties(probe, queue) == {HELENE: "0", FRANCOIS: "3"},
               what="the campaign's queue ringing by skill level")
    did = f"+237699{random.randint(100000, 999999)}"
    assert save_number(admin, None, did, f"Grands comptes {tag}", [], None) == {}
    number_id = next(n.id for n in list_numbers(admin) if n.number == did)
    menu_name = f"Grands comptes {tag}"
    assert save_menu(sup, None, name=menu_name, greeting_audio="accueil", timeout_seconds=4, max_tries=2,
                     options=[{"digit": "1", "action": "queue", "target": f"campaign-{campaign.id}"}],
                     fallback={"action": "hangup"}, number_ids=[number_id]) == {}
    menu = next(m for m in list_menus(sup) if m.name == menu_name)

    def routed() -> bool:
        reply = probe.call(probe.gateway.action("Command", as_list=False, Command=f"dialplan show t-demo-ivr-{menu.id}"))
        return f"Queue({queue},t,,,{max_wait_seconds})" in str(reply)
    wait_until(routed, what="key 1 of the menu leading to the campaign's queue (with its wait) in the PBX")
    return Line(sup, admin, helene, francois, campaign.id, queue, did, number_id, menu_name, skill, vip, paul, jeanne)


def penalties(probe: AmiProbe, queue: str) -> dict[str, str]:
    members = probe.call(probe.gateway.listing("QueueStatus", "QueueMember", Queue=queue))
    return {m.get("Location"): m.get("Penalty") for m in members}


def paused(probe: AmiProbe, queue: str) -> dict[str, str]:
    members = probe.call(probe.gateway.listing("QueueStatus", "QueueMember", Queue=queue))
    return {m.get("Location"): m.get("Paused") for m in members}


def callers(probe: AmiProbe, queue: str) -> list[str]:
    entries = probe.call(probe.gateway.listing("QueueStatus", "QueueEntry", Queue=queue))
    return [e.get("Channel") for e in sorted(entries, key=lambda e: int(e.get("Position")))]


def call(probe: AmiProbe, line: Line, caller: str, digits: str) -> str:
    """The simulated customer `caller` calls the DID and presses `digits`; their channel."""
    return probe.call(probe.gateway.action("SandboxInboundCall", as_list=False, DID=line.did, CallerID=caller,
                                           Digits=digits))["Channel"]


def hang_up(probe: AmiProbe, channel: str) -> None:
    try:
        probe.call(probe.gateway.action("Hangup", Channel=channel))
    except Exception:            # gone already
        pass


def tear_down(probe: AmiProbe, line: Line) -> None:
    """The demo agents free and « Prêt », the campaign archived, the skill, menu and number gone."""
    try:
        free_agent_after(line.sup, line.helene, line.campaign_id)
    finally:
        become_ready(line.francois)
        wait_until(lambda: agent_state(line.sup.tenant_id, line.francois.user_id) is AgentState.READY,
                   what="François ready")
        for agent in (line.helene, line.francois):
            set_agent_skill(line.admin, agent.user_id, line.skill, 0)
        for menu in [m for m in list_menus(line.sup) if m.name == line.menu_name]:
            delete_menu(line.sup, menu.id)
        delete_number(line.admin, line.number_id)
        probe.close()


def both_on_break(probe: AmiProbe, line: Line, agent_page) -> None:
    """Hélène takes her lunch break on her panel, François through the product; the PBX pauses both."""
    in_lunch_break(agent_page, "agent1@demo-sarl.cm", PASSWORD)
    take_break(line.francois, "Déjeuner")
    wait_until(lambda: paused(probe, line.queue) == {HELENE: "1", FRANCOIS: "1"}, what="both agents paused")


def qualify_on_panel(agent_page, code: str = "Refus") -> None:
    expect(agent_page.get_by_test_id("call-phase")).to_have_text("Post-appel : qualifiez l'appel")
    agent_page.get_by_test_id("call-code").click()
    agent_page.get_by_role("option", name=code).click()
    agent_page.get_by_test_id("call-validate").click()
    expect(agent_page.get_by_test_id("agent-status")).to_have_text("Prêt")


@pytest.mark.e2e
def test_a_vip_caller_jumps_the_queue_and_pops_prefilled_on_the_most_skilled_agent(new_page, product):
    probe = AmiProbe(product.pbx_port)
    line = inbound_line(probe, max_wait_seconds=600)
    channels: list[str] = []
    try:
        vip_contact = _contact_of(line, line.vip)
        add_interactions(line.sup, [dict(                   # Grand Compte called last week: qualified « Vente »
            channel="VOIX", direction="IN", slot="voice", campaign_id=line.campaign_id, contact_id=vip_contact[0],
            list_id=vip_contact[1], address=line.vip, agent_id=line.helene.user_id, status="WRAPPED_UP",
            queued_at=utcnow() - timedelta(days=7), answered_at=utcnow() - timedelta(days=7),
            ended_at=utcnow() - timedelta(days=7), qualification="VENTE", form_answers={"Motif": "Livraison"},
            provider="asterisk")])
        agent = new_page()
        both_on_break(probe, line, agent)
        board = new_page()
        log_in_and_land(board, "superviseur@demo-sarl.cm", PASSWORD, "/supervision")
        expect(board.get_by_test_id("waiting-calls")).to_contain_text("Aucun appelant en file d'attente.")

        first = call(probe, line, line.paul, "1")
        channels.append(first)
        probe.wait_event("QueueCallerJoin", Channel=first, Queue=line.queue, timeout=30)
        vip = call(probe, line, line.vip, "1")
        channels.append(vip)
        probe.wait_event("QueueCallerJoin", Channel=vip, Queue=line.queue, Position="2", timeout=30)
        wait_until(lambda: callers(probe, line.queue) == [vip, first], what="the VIP moved ahead in the PBX")

        waiting = board.get_by_test_id("waiting-call")                  # the supervisor sees it, live
        expect(waiting).to_have_count(2)
        expect(waiting.first).to_contain_text(line.vip)
        expect(waiting.first.get_by_test_id("waiting-vip")).to_have_text("VIP")
        expect(waiting.nth(1)).to_contain_text(line.paul)
        expect(waiting.nth(1).get_by_test_id("waiting-vip")).to_have_count(0)

        agent.get_by_test_id("agent-ready").click()                    # Hélène (level 5) is back: the VIP first
        probe.wait_event("AgentCalled", Channel=vip, Interface=HELENE, timeout=30)
        expect(agent.get_by_test_id("screen-pop")).to_be_visible()
        expect(agent.get_by_test_id("pop-contact-name")).to_have_text("Grand Compte")
        expect(agent.get_by_test_id("pop-contact-phone")).to_have_text(line.vip)
        expect(agent.get_by_test_id("call-field-Motif")).to_have_value("Livraison")   # pre-filled from last week
        probe.wait_event("AgentConnect", Queue=line.queue, Interface=HELENE, timeout=30)
        expect(agent.get_by_test_id("call-phase")).to_have_text("En communication")
        calls = live(user_topic(line.sup.tenant_id, line.helene.user_id), "call")
        pop = [c for c in calls if c["phase"] == "ringing" and c["contact"]["phone"] == line.vip][-1]
        assert pop["answers"] == {"Motif": "Livraison"} and pop["history"][0]["code"] == "VENTE"
        assert [c["phase"] for c in calls if c.get("interaction_id") == pop["interaction_id"]] == [
            "ringing", "answered"]                                      # the pop came before the answer
        expect(board.get_by_test_id("waiting-count")).to_have_text("1")   # Paul still waits (François on break)

        hang_up(probe, first)
        hang_up(probe, vip)
        qualify_on_panel(agent)
        expect(board.get_by_test_id("waiting-count")).to_have_text("0")
    finally:
        for channel in channels:
            hang_up(probe, channel)
        tear_down(probe, line)


def _contact_of(line: Line, phone: str) -> tuple[int, int]:
    from services.voice.inbound import find_caller
    contact = find_caller(line.sup.tenant_id, phone, line.campaign_id)
    return contact.id, contact.list_id


@pytest.mark.e2e
def test_a_saturated_queue_takes_a_message_handled_in_messages_vocaux_and_a_callback_dialled_when_an_agent_frees_up(
        new_page, product):
    probe = AmiProbe(product.pbx_port)
    line = inbound_line(probe, max_wait_seconds=10)
    channels: list[str] = []
    try:
        agent = new_page()
        both_on_break(probe, line, agent)
        board = new_page()
        log_in_and_land(board, "superviseur@demo-sarl.cm", PASSWORD, "/supervision")
        expect(board.get_by_test_id("voicemails")).to_contain_text("Messages vocaux")
        expect(board.get_by_test_id("voicemail-none")).to_have_text("Aucun message vocal en attente.")

        message = call(probe, line, line.jeanne, "11")        # key 1, waits 10 s, then 1: a message
        asker = call(probe, line, line.paul, "12")            # key 1, waits 10 s, then 2: a callback
        channels += [message, asker]
        for channel in (message, asker):
            probe.wait_event("QueueCallerJoin", Channel=channel, Queue=line.queue, timeout=30)
        expect(board.get_by_test_id("waiting-count")).to_have_text("2")
        probe.wait_event("Hangup", Channel=message, timeout=60)
        probe.wait_event("Hangup", Channel=asker, timeout=60)

        left = board.get_by_test_id("voicemail")                           # live: the bridge saved it
        expect(left).to_have_count(1)
        expect(left).to_contain_text("Message vocal")
        expect(left).to_contain_text(line.jeanne)
        expect(left).to_contain_text("Jeanne Mballa")
        expect(left).to_contain_text("Ligne grands comptes")
        expect(left).to_contain_text("0:03")
        expect(board.get_by_test_id("voicemail-count")).to_have_text("1")
        played = left.get_by_test_id("voicemail-audio").evaluate("""audio => new Promise((ok, ko) => {
            audio.addEventListener('playing', () => ok(audio.duration), {once: true});
            audio.addEventListener('error', () => ko(new Error('audio error ' + audio.error.code)), {once: true});
            audio.muted = true; audio.preload = 'auto'; audio.play().catch(ko); })""")
        assert abs(played - 3) < 1
        asked = board.get_by_test_id("callback-asked")
        expect(asked).to_contain_text("Rappel demandé")
        expect(asked).to_contain_text("Paul Client")
        expect(asked.get_by_test_id("voicemail-handled")).to_have_count(0)   # read-only: the dialer calls back

        left.get_by_test_id("voicemail-handled").click()
        expect(board.get_by_test_id("voicemail")).to_have_count(0)
        expect(board.get_by_test_id("voicemail-count")).to_have_text("0")

        agent.get_by_test_id("agent-ready").click()                       # Hélène frees up: Paul is called back
        probe.wait_event("DialBegin", DialString=f"{line.paul}@carrier", timeout=60)
        expect(agent.get_by_test_id("screen-pop")).to_be_visible()
        expect(agent.get_by_test_id("pop-contact-name")).to_have_text("Paul Client")
        expect(board.get_by_test_id("callback-asked")).to_have_count(0)   # taken: no longer to dial
        expect(board.get_by_test_id("voicemail-none")).to_have_text("Aucun message vocal en attente.")
        qualify_on_panel(agent)                                            # Paul hangs up after 5 s
    finally:
        for channel in channels:
            hang_up(probe, channel)
        tear_down(probe, line)
