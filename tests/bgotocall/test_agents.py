"""Agents in Chromium: enrolment with the emailed credentials and the licence limit (UC-RH-01),
signing in with the login of the enrolment email,
deletion refused in a call then confirmed (UC-RH-02), whisper on a simulated call (UC-RH-04)."""
import re

import pytest
from playwright.sync_api import expect

from services.models.platform import Role
from services.voice.agents import enroll_agent
from services.voice.licences import grant_licences
from services.teams import create_team
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.ami import AmiProbe
from tests.support.browser import log_in_and_land
from tests.support.inbox import link_in, wait_for_message

CUSTOMER = "+15557654301"   # the simulator's customer: answers after 1.5 s, stays on the line


@pytest.fixture
def probe(product):
    ami = AmiProbe(product.pbx_port)
    yield ami
    ami.close()


def enroll(page, last, first, login, email):
    page.get_by_test_id("new-agent").click()
    page.locator("#agent-last_name").fill(last)
    page.locator("#agent-first_name").fill(first)
    page.locator("#agent-login").fill(login)
    page.locator("#agent-email").fill(email)
    page.get_by_test_id("enroll-submit").click()


@pytest.mark.e2e
def test_enroll_emails_credentials_and_the_licence_limit_refuses_one_more(page, product):
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    create_team(context_for(tenant, Role.ADMIN), "Recouvrement")
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.get_by_role("link", name="Agents", exact=True).click()
    expect(page.get_by_test_id("licence-counter").first).to_have_text("0 / 1 licences")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Aucun agent")

    email = f"aline-{tenant.slug}@example-corp.cm"
    enroll(page, "Ngono", "Aline", "a.ngono", email)
    row = page.get_by_test_id("agent-row").filter(has_text="Aline Ngono")
    expect(row).to_contain_text("2001")
    expect(row).to_contain_text("Déconnecté")
    expect(page.get_by_test_id("licence-counter").first).to_have_text("1 / 1 licences")

    message = wait_for_message(product.sandbox_url, email)
    assert f"Utilisateur SIP : {tenant.slug}-2001" in message["text"]
    assert "Mot de passe SIP : " in message["text"]
    assert re.search(r"Adresse WebRTC : wss?://\S+/ws\n", message["text"])   # the sandbox's phone: ws://
    assert "/reinitialiser?token=" in message["text"]

    enroll(page, "Manga", "Paul", "p.manga", f"paul-{tenant.slug}@example-corp.cm")
    expect(page.get_by_test_id("enroll-error")).to_contain_text("Toutes les licences agent")
    expect(page.get_by_test_id("agent-row")).to_have_count(1)

    page.keyboard.press("Escape")
    row.get_by_role("button").click()                             # teams and skills with levels
    page.get_by_test_id("edit-profile").click()
    page.get_by_test_id("team-choice").filter(has_text="Recouvrement").click()
    page.locator("#skill-name").fill("Anglais")
    page.get_by_role("dialog").get_by_role("combobox").click()
    page.get_by_role("option", name="4").click()
    page.get_by_test_id("add-skill").click()
    expect(page.get_by_test_id("skill-item")).to_contain_text("Anglais · 4/5")
    page.get_by_role("button", name="Fermer").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(row).to_contain_text("Recouvrement")
    expect(row).to_contain_text("Anglais (4)")

    row.get_by_role("button").click()                             # UC-RH-02: delete frees the licence
    page.get_by_test_id("delete-agent").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("perd immédiatement l'accès")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("agent-row")).to_have_count(0)
    expect(page.get_by_test_id("licence-counter").first).to_have_text("0 / 1 licences")


@pytest.mark.e2e
def test_an_enrolled_agent_signs_in_with_the_login_of_the_enrolment_email(page, product):
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    email = f"jean-{tenant.slug}@example-corp.cm"
    login = f"j.ekambi-{tenant.slug}"
    enroll_agent(context_for(tenant, Role.ADMIN), "Ekambi", "Jean", login, email)
    message = wait_for_message(product.sandbox_url, email)
    assert f"identifiant {login}" in message["text"]
    page.goto(link_in(message))                                   # 1. choose a password
    page.locator("#password").fill("Agent-password-7")
    page.locator("#confirm").fill("Agent-password-7")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("reset-done")).to_be_visible()
    log_in_and_land(page, login, "Agent-password-7", "/bandeau")


@pytest.mark.e2e
def test_in_call_agent_cannot_be_deleted_and_whisper_opens_a_spy_channel(new_page, probe):
    helene = new_page()
    log_in_and_land(helene, "agent1@demo-sarl.cm", "Demo-2026!", "/bandeau")
    expect(helene.get_by_test_id("agent-status")).to_have_text("Prêt")
    probe.call(probe.gateway.originate("PJSIP/demo-2001", "t-demo-outbound-agent-first", CUSTOMER))
    probe.wait_event("BridgeEnter", CallerIDNum=CUSTOMER)
    expect(helene.get_by_test_id("agent-status")).to_have_text("En appel")   # live from AMI events

    admin = new_page()
    log_in_and_land(admin, "admin@demo-sarl.cm", "Demo-2026!", "/tableau-de-bord")
    admin.goto("/agents")
    row = admin.get_by_test_id("agent-row").filter(has_text="Hélène Fotso")
    expect(row).to_contain_text("En appel")
    row.get_by_role("button").click()
    admin.get_by_test_id("delete-agent").click()
    admin.get_by_test_id("confirm-delete").click()
    expect(admin.get_by_text("est en communication")).to_be_visible()
    expect(row).to_be_visible()

    sup = new_page()
    log_in_and_land(sup, "superviseur@demo-sarl.cm", "Demo-2026!", "/supervision")
    sup.get_by_test_id("sidebar").get_by_role("link", name="Agents en direct").click()
    expect(sup.get_by_test_id("live-badge")).to_be_visible()
    card = sup.get_by_test_id("column-IN_CALL").get_by_test_id("agent-card").filter(has_text="Hélène Fotso")
    elapsed = card.get_by_test_id("state-elapsed")
    expect(elapsed).to_have_text(re.compile(r"^\d+:\d\d$"))          # time in the call, ticking
    expect(elapsed).not_to_have_text(elapsed.inner_text())
    card.get_by_test_id("whisper-button").click()

    chanspy = probe.wait_event("Newexten", Application="ChanSpy")
    assert chanspy["AppData"] == "PJSIP/demo-2001,qw"            # w = whisper: only the agent hears
    started = probe.wait_event("ChanSpyStart")                  # on the Local ;2 behind the supervisor's leg
    assert started["SpyerChannel"].startswith("Local/*2212001@t-demo-spy-run-")
    assert started["SpyerLinkedid"].startswith("bgc-spy-")      # the supervisor's leg: start_coaching's ChannelId
    assert started["SpyeeChannel"].startswith("PJSIP/demo-2001-")
    expect(sup.get_by_test_id("coaching-banner")).to_contain_text("Vous chuchotez à Hélène Fotso")

    sup.get_by_test_id("stop-coaching").click()
    probe.wait_event("ChanSpyStop", SpyerChannel=started["SpyerChannel"])
    expect(sup.get_by_test_id("coaching-banner")).to_have_count(0)
    probe.call(probe.gateway.hangup(started["SpyeeChannel"]))
    expect(card).to_have_count(0)                                  # Hélène leaves the "En appel" column
    expect(helene.get_by_test_id("agent-status")).to_have_text("Post-appel")
    helene.keyboard.press("F2")                                    # "Je suis prêt"
    expect(helene.get_by_test_id("agent-status")).to_have_text("Prêt")


def demo_supervisor():
    from services.identity.login import log_in
    from services.identity.sessions import resolve_session
    return resolve_session(log_in("superviseur@demo-sarl.cm", "Demo-2026!", "10.8.8.8").token)


def drag(page, source, target) -> None:
    """A person's drag: press on the card, move in steps (dnd-kit follows the pointer), release."""
    box, drop = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(drop["x"] + drop["width"] / 2, drop["y"] + 60, steps=12)
    page.mouse.up()


@pytest.mark.e2e
def test_dragging_an_agent_to_another_campaign_changes_its_queue_and_tells_the_agent(new_page, probe):
    from services.campaigns.lifecycle import archive_campaign, create_campaign, launch_campaign
    from services.platform.users import find_user
    from services.voice.assignment import campaign_queue
    from tests.support.campaigns import fund, launchable_config, ready_list
    from tests.support.waiting import wait_until

    sup = demo_supervisor()
    helene, francois = find_user("agent1@demo-sarl.cm").id, find_user("agent2@demo-sarl.cm").id
    fund(sup.tenant_id)
    config = launchable_config(ready_list(sup, "Clients DnD"), helene, "Relance Mars")
    first = create_campaign(sup, config)
    second = create_campaign(sup, {**config, "name": "Fidélisation", "agents": [francois]})
    third = create_campaign(sup, {**config, "name": "Enquête satisfaction"})      # Hélène works on two
    for campaign in (first, second, third):
        launch_campaign(sup, campaign.id)
    try:
        agent = new_page()
        log_in_and_land(agent, "agent1@demo-sarl.cm", "Demo-2026!", "/bandeau")
        page = new_page()
        log_in_and_land(page, "superviseur@demo-sarl.cm", "Demo-2026!", "/supervision")
        page.get_by_test_id("sidebar").get_by_role("link", name="Affectation").click()
        target = page.locator(f"[data-key='campaign-{second.id}']")
        card = page.locator(f"[data-key='campaign-{first.id}']").get_by_test_id("assign-card") \
            .filter(has_text="Hélène Fotso")
        expect(card).to_be_visible()
        expect(page.locator(f"[data-key='campaign-{third.id}']").get_by_test_id("assign-card")
               .filter(has_text="Hélène Fotso")).to_be_visible()
        drag(page, card, target)

        expect(target.get_by_test_id("assign-card").filter(has_text="Hélène Fotso")).to_be_visible()
        queue = campaign_queue("demo", second.id)
        wait_until(lambda: "demo-2001" in [m["endpoint"] for m in
                                           probe.call(probe.gateway.queue_members(queue))],
                   what=f"demo-2001 in {queue} on the PBX")
        expect(agent.get_by_test_id("live-notice")).to_have_text(
            "Vous êtes affecté à la campagne « Fidélisation ».")

        free = page.locator("[data-key='free']")                     # "Agents libres": off every campaign
        drag(page, target.get_by_test_id("assign-card").filter(has_text="Hélène Fotso"), free)
        expect(free.get_by_test_id("assign-card").filter(has_text="Hélène Fotso")).to_be_visible()
        expect(target.get_by_test_id("assign-card").filter(has_text="Hélène Fotso")).to_have_count(0)
        wait_until(lambda: "demo-2001" not in [m["endpoint"] for m in
                                               probe.call(probe.gateway.queue_members(queue))],
                   what=f"demo-2001 out of {queue} on the PBX")
        expect(agent.get_by_test_id("live-notice")).to_have_text("Vous n'êtes plus affecté à aucune campagne.")
    finally:
        for campaign in (first, second, third):
            archive_campaign(sup, campaign.id)


@pytest.mark.e2e
def test_an_agent_takes_a_break_with_its_reason_and_comes_back_with_f2(page):
    log_in_and_land(page, "agent2@demo-sarl.cm", "Demo-2026!", "/bandeau")
    status = page.get_by_test_id("agent-status")
    expect(status).to_have_text("Prêt")
    page.get_by_role("radio", name="EN").click()                   # the reasons follow the language
    page.get_by_test_id("agent-pause").click()
    expect(page.get_by_role("menuitem", name="Training")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("radio", name="FR").click()
    page.get_by_test_id("agent-pause").click()
    page.get_by_role("menuitem", name="Formation").click()
    expect(status).to_have_text("Pause")
    expect(page.get_by_test_id("my-elapsed")).to_have_text(re.compile(r"^0:0\d$"))   # the break has just begun
    page.keyboard.press("F2")
    expect(status).to_have_text("Prêt")
