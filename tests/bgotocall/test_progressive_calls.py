"""Issue 13 « Must show », progressive campaign in Chromium with the simulator: the agent clicks Prêt; the
simulated phone rings and answers; the customer answers; the screen pop shows the contact, script and form;
a required field blocks « Valider »; the customer hangs up; Post-appel; VENTE is chosen; the next contact
is dialled without the agent doing anything."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from services.audience.file_import import import_file
from services.campaigns.config import default_config
from services.campaigns.forms import clean_form
from services.campaigns.lifecycle import archive_campaign, create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.interactions import Interaction
from services.platform.users import find_user
from services.voice.availability import become_ready
from services.voice.presence import AgentState, agent_state
from tests.support.browser import log_in_and_land
from tests.support.campaigns import fund
from tests.support.waiting import wait_until

FIRST, NEXT = "+237671234511", "+237671234521"   # answer after 1.5 s, hang up 5 s / 10 s later


@pytest.mark.e2e
def test_progressive_call_pops_is_qualified_and_the_next_contact_is_dialled(page, product):
    from tests.bgotocall.test_agents import demo_supervisor
    sup = demo_supervisor()
    helene = system_context(sup.tenant_id, find_user("agent1@demo-sarl.cm").id)
    fund(sup.tenant_id)
    clients = import_file(sup, "Relance progressive", (
        "Nom;Prénom;Téléphone;Email\n"
        f"Kamga;Armel;{FIRST};armel@exemple.cm\nBiyong;Sandrine;{NEXT};sandrine@exemple.cm\n").encode())
    config = default_config("Relance progressive")
    config["bands"] = {str(d): "00:00-23:59" for d in range(7)}
    config["channels"]["voice"].update(enabled=True, mode="PROGRESSIVE",
                                       script="<p>Bonjour {Prenom} {Nom}, ici Démo SARL.</p>")
    config["form"] = clean_form([{"label": "Montant promis", "type": "text", "required": True}])
    config.update(agents=[helene.user_id], lists=[clients])

    log_in_and_land(page, "agent1@demo-sarl.cm", "Demo-2026!", "/bandeau")
    expect(page.get_by_test_id("agent-status")).to_have_text("Prêt")
    page.get_by_test_id("agent-pause").click()
    page.get_by_role("menuitem", name="Déjeuner").click()
    expect(page.get_by_test_id("agent-status")).to_have_text("Pause")
    campaign = create_campaign(sup, config)
    launch_campaign(sup, campaign.id)
    try:
        page.get_by_test_id("agent-ready").click()                     # « Prêt »: the dialer takes over
        pop = page.get_by_test_id("screen-pop")
        expect(pop).to_be_visible(timeout=20_000)
        expect(page.get_by_test_id("pop-contact-name")).to_have_text("Armel Kamga")
        expect(page.get_by_test_id("pop-contact-phone")).to_have_text(FIRST)
        expect(page.get_by_test_id("pop-script")).to_contain_text("Bonjour Armel Kamga, ici Démo SARL.")
        expect(pop).to_contain_text("Montant promis")
        expect(page.get_by_test_id("call-phase")).to_have_text("En communication")

        expect(page.get_by_test_id("call-phase")).to_have_text("Post-appel : qualifiez l'appel")
        expect(page.get_by_test_id("agent-status")).to_have_text("Post-appel")
        page.get_by_test_id("call-code").click()
        page.get_by_role("option", name="Vente").click()
        page.get_by_test_id("call-validate").click()                  # the required field is empty
        expect(pop).to_contain_text("Champ obligatoire.")
        expect(page.get_by_test_id("agent-status")).to_have_text("Post-appel")

        page.get_by_test_id("call-field-Montant_promis").fill("25000")
        page.get_by_test_id("call-comment").fill("Paiement fin du mois")
        page.get_by_test_id("call-validate").click()
        expect(page.get_by_test_id("pop-contact-name")).to_have_text("Sandrine Biyong")

        def attempts():
            with tenant_session(sup) as session:
                return {i.address: i for i in session.execute(
                    select(Interaction).where(Interaction.campaign_id == campaign.id)).scalars()}
        first = wait_until(lambda: attempts().get(FIRST), what="the first call")
        assert (first.status, first.qualification) == ("WRAPPED_UP", "VENTE")
        assert first.form_answers == {"Montant_promis": "25000", "commentaire": "Paiement fin du mois"}
        assert attempts()[NEXT].agent_id == helene.user_id
    finally:            # Hélène is free and « Prêt » again for the next tests
        archive_campaign(sup, campaign.id)
        wait_until(lambda: agent_state(sup.tenant_id, helene.user_id) in (AgentState.WRAP_UP, AgentState.READY),
                   what="the last call over")
        become_ready(helene)
        wait_until(lambda: agent_state(sup.tenant_id, helene.user_id) is AgentState.READY, what="Hélène ready")
