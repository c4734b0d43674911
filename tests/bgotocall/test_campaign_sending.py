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
