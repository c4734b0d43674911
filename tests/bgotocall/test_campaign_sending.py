"""UC-DG-01 in Chromium, all in sandbox mode: a launched SMS campaign is sent by the product's
own workers and scheduler through the Twilio twin, whose signed callbacks reach the web app;
the supervisor, whose « Envois » page was open before the launch, sees the counters move with no
reload, and every message that did not go out, with the reason."""
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from services.campaigns.lifecycle import launch_campaign
from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from services.models.platform import Role
from tests.services.messaging.conftest import SmsCampaign, phones
from tests.support.accounts import PASSWORD, new_user
from tests.support.browser import log_in_and_land
from tests.support.inbox import click_tracked_link, expect_link_refused
from tests.support.waiting import wait_until


def _statuses(ctx) -> list[str]:
    with tenant_session(ctx) as s:
        return sorted(s.exec(select(Interaction.status)).all())


@pytest.mark.e2e
def test_supervisor_follows_the_sending_of_a_launched_campaign(page, product):
    c = SmsCampaign(numbers=phones(2) + ["+237671234500"], names=["Mbarga", "", "Eto"],
                    launch=False)
    supervisor = new_user(c.tenant, Role.SUPERVISOR)
    log_in_and_land(page, supervisor, PASSWORD, "/supervision")
    page.goto(f"/campagnes/envois?id={c.id}")
    expect(page.get_by_test_id("sending-campaign")).to_have_text("Promo SMS", timeout=30_000)
    page.evaluate("window.__stayed = true")  # gone if the page were loaded again
    launch_campaign(c.admin, c.id)  # « Propager l'OS »: the product's workers send
    counters = page.get_by_test_id("sending-counters")
    expect(counters.get_by_test_id("count-failed")).to_have_text("2", timeout=90_000)
    expect(counters.get_by_test_id("count-delivered")).to_have_text("1", timeout=90_000)
    expect(counters.get_by_test_id("count-sent")).to_have_text("1")
    expect(counters.get_by_test_id("count-waiting")).to_have_text("0")
    assert page.evaluate("window.__stayed === true")
    assert _statuses(c.admin) == ["DELIVERED", "FAILED", "FAILED"]
    rows = page.get_by_test_id("not-sent-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=c.phones[1])).to_contain_text("{Nom}")
    expect(rows.filter(has_text=c.phones[2])).to_contain_text("21211")
    page.goto("/campagnes")
    row = page.get_by_test_id("campaign-row").filter(has_text="Promo SMS")
    expect(row).to_contain_text("100")
    row.get_by_test_id("row-menu").click()
    page.get_by_test_id("action-sending").click()
    page.wait_for_url("**/campagnes/envois?id=*")
    expect(page.get_by_test_id("sending-counters").get_by_test_id("count-sent")).to_have_text("1")


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

    tracked = click_tracked_link(page, s.sandbox_url, to, "Offre pour Client0", "Voir l'offre")
    assert "connexion" not in tracked.split("u=")[0]
    page.wait_for_url(offer, timeout=30_000)
    wait_until(lambda: c.attempt(to).status == "CLICKED", timeout=30, what="the click recorded")

    expect_link_refused(page, tracked.replace("campagne%3Dpromo", "campagne%3Dautre"))
    expect_link_refused(page, tracked.replace(
        "u=http", "u=https%3A%2F%2Fphishing.exemple.com%2F%3Fx%3Dhttp"))
