"""Issue 13 « Must show », progressive campaign in Chromium with the simulator: the agent clicks Prêt; the
simulated phone rings and answers; the customer answers; the screen pop shows the contact, script and form;
a required field blocks « Valider »; the customer hangs up; Post-appel; VENTE is chosen; the next contact
is dialled without the agent doing anything."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from services.campaigns.forms import clean_form
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from tests.support.campaigns import free_agent_after, helene_calling, in_lunch_break
from tests.support.waiting import wait_until

FIRST, NEXT = "+237671234511", "+237671234521"   # answer after 1.5 s, hang up 5 s / 10 s later


@pytest.mark.e2e
def test_progressive_call_pops_is_qualified_and_the_next_contact_is_dialled(page, product):
    sup, helene, config = helene_calling(
        "Relance progressive", [("Kamga", "Armel", FIRST, "armel@exemple.cm"),
                                ("Biyong", "Sandrine", NEXT, "sandrine@exemple.cm")],
        "PROGRESSIVE", "<p>Bonjour {Prenom} {Nom}, ici Démo SARL.</p>")
    config["form"] = clean_form([{"label": "Montant promis", "type": "text", "required": True}])
    in_lunch_break(page, "agent1@demo-sarl.cm", "Demo-2026!")
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
        free_agent_after(sup, helene, campaign.id)
