"""Preview mode in Chromium with the simulator: the agent clicks Prêt; the first record is offered (no call);
« Passer » without a reason is refused, with one the next record is offered; « Appeler » dials it agent
first and the call reaches « En communication »."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from tests.support.campaigns import free_agent_after, helene_calling, in_lunch_break
from tests.support.waiting import wait_until

SKIPPED, CALLED = "+237671234531", "+237671234511"   # the second answers after 1.5 s, hangs up 5 s later


@pytest.mark.e2e
def test_preview_offers_the_record_then_passer_and_appeler(page, product):
    sup, helene, config = helene_calling(
        "Relance preview", [("Ngono", "Marie", SKIPPED, "marie@exemple.cm"),
                            ("Etoa", "Jules", CALLED, "jules@exemple.cm")],
        "PREVIEW", "<p>Bonjour {Prenom} {Nom}.</p>")
    in_lunch_break(page, "agent1@demo-sarl.cm", "Demo-2026!")
    campaign = create_campaign(sup, config)
    launch_campaign(sup, campaign.id)

    def attempts():
        with tenant_session(sup) as session:
            return {i.address: i for i in session.execute(
                select(Interaction).where(Interaction.campaign_id == campaign.id)).scalars()}
    try:
        page.get_by_test_id("agent-ready").click()
        expect(page.get_by_test_id("preview-decision")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("call-phase")).to_have_text("Fiche proposée : appelez ou passez")
        expect(page.get_by_test_id("pop-contact-name")).to_have_text("Marie Ngono")
        assert attempts()[SKIPPED].status == "SENDING" and attempts()[SKIPPED].ringing_at is None

        page.get_by_test_id("preview-skip").click()                   # no reason
        expect(page.get_by_test_id("screen-pop")).to_contain_text("Indiquez pourquoi vous passez cette fiche.")
        page.get_by_test_id("preview-skip-reason").fill("Numéro d'entreprise")
        page.get_by_test_id("preview-skip").click()
        expect(page.get_by_test_id("pop-contact-name")).to_have_text("Jules Etoa", timeout=30_000)
        skipped = attempts()[SKIPPED]
        assert (skipped.status, skipped.failure_reason) == ("CANCELLED", "Passé par l'agent : Numéro d'entreprise")

        page.get_by_test_id("preview-call").click()
        expect(page.get_by_test_id("call-phase")).to_have_text("En communication", timeout=30_000)
        expect(page.get_by_test_id("preview-decision")).to_have_count(0)
        called = wait_until(lambda: (a := attempts().get(CALLED)) and a.answered_at and a, what="the call answered")
        assert called.agent_id == helene.user_id
    finally:            # Hélène is free and « Prêt » again for the next tests
        free_agent_after(sup, helene, campaign.id)
