"""UC-DG-01 in Chromium, all in sandbox mode: a launched SMS campaign is sent by the product's
own workers and scheduler through the Twilio twin, whose signed callbacks reach the web app;
the supervisor sees the counters and every message that did not go out, with the reason."""
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from services.models.platform import Role
from tests.services.messaging.conftest import SmsCampaign, phones
from tests.support.accounts import PASSWORD, new_user
from tests.support.browser import log_in_and_land
from tests.support.waiting import wait_until


def _statuses(ctx) -> list[str]:
    with tenant_session(ctx) as s:
        return sorted(s.exec(select(Interaction.status)).all())


@pytest.mark.e2e
def test_supervisor_follows_the_sending_of_a_launched_campaign(page, product):
    c = SmsCampaign(numbers=phones(2) + ["+237671234500"], names=["Mbarga", "", "Eto"])
    wait_until(lambda: _statuses(c.admin) == ["DELIVERED", "FAILED", "FAILED"], timeout=90,
               what="sent by the workers and delivered through the web app's callback")
    supervisor = new_user(c.tenant, Role.SUPERVISOR)
    log_in_and_land(page, supervisor, PASSWORD, "/supervision")
    page.goto("/campagnes")
    row = page.get_by_test_id("campaign-row").filter(has_text="Promo SMS")
    expect(row).to_contain_text("100")
    row.get_by_test_id("row-menu").click()
    page.get_by_test_id("action-sending").click()
    page.wait_for_url("**/campagnes/envois?id=*")
    counters = page.get_by_test_id("sending-counters")
    expect(counters.get_by_test_id("count-sent")).to_have_text("1")
    expect(counters.get_by_test_id("count-delivered")).to_have_text("1")
    expect(counters.get_by_test_id("count-failed")).to_have_text("2")
    rows = page.get_by_test_id("not-sent-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=c.phones[1])).to_contain_text("{Nom}")
    expect(rows.filter(has_text=c.phones[2])).to_contain_text("21211")


@pytest.mark.e2e
def test_an_email_click_is_tracked_and_redirects_only_to_the_campaign_link(page, product):
    from services.settings import get_settings
    from tests.services.messaging.conftest import EmailCampaign

    s = get_settings()
    offer = f"{s.public_url}/connexion/?campagne=promo"  # a page that answers: the product's own
    to = f"clic-{phones(1)[0][-7:]}@exemple.cm"
    c = EmailCampaign([to], provider="smtp", offer=offer)
    wait_until(lambda: (a := c.attempt(to)) is not None and a.status == "SENT", timeout=90,
               what="the email sent by the product's workers through the SMTP sink")

    page.goto(f"{s.sandbox_url}/inbox/?to={to}")
    expect(page.get_by_text("Offre pour Client0")).to_be_visible()
    page.get_by_test_id("html-version").click()
    link = page.get_by_role("link", name="Voir l'offre")
    tracked = link.get_attribute("href")
    assert "/api/messaging/email/click?" in tracked and "connexion" not in tracked.split("u=")[0]
    link.click()
    page.wait_for_url(offer, timeout=30_000)
    wait_until(lambda: c.attempt(to).status == "CLICKED", timeout=30, what="the click recorded")

    page.goto(tracked.replace("campagne%3Dpromo", "campagne%3Dautre"))
    expect(page.get_by_role("heading", name="Lien invalide")).to_be_visible()
    page.goto(tracked.replace("u=http", "u=https%3A%2F%2Fphishing.exemple.com%2F%3Fx%3Dhttp"))
    expect(page.get_by_role("heading", name="Lien invalide")).to_be_visible()
