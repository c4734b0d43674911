"""UC-CP-06 in Chromium: from the campaign list's « Détails / Rapports », a supervisor reads an
archived campaign's figures (equal to those recomputed from the raw rows), sees the charts,
filters the journal by agent and code, recycles the busy contacts and exports the filtered
rows to Excel."""
from __future__ import annotations

import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from sqlmodel import select

from services.campaigns.lifecycle import archive_campaign
from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from services.models.platform import Role
from services.platform.users import create_user, find_user
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.interactions import add_interactions, new_report_campaign, production_day

ZONE = ZoneInfo("Africa/Douala")


def agent(tenant, name: str) -> int:
    email = f"agent-{uuid.uuid4().hex[:8]}@example-corp.cm"
    create_user(email, PASSWORD, name, Role.AGENT, tenant.id)
    return find_user(email).id


def choose(page: Page, test_id: str, option: str) -> None:
    page.get_by_test_id(test_id).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_campaign_data_page(page: Page):
    tenant = new_tenant()
    supervisor = new_user(tenant, Role.SUPERVISOR)
    ctx = context_for(tenant, Role.ADMIN)
    awa, paul = agent(tenant, "Awa Ndiaye"), agent(tenant, "Paul Mbarga")
    campaign = new_report_campaign(ctx, "Offre Tabaski", contacts_total=200)
    midnight = datetime.now(ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = production_day(campaign, [awa, paul], midnight, 120, seed=11)
    add_interactions(ctx, rows)
    archive_campaign(ctx, campaign)  # the data stays readable once archived
    calls = [r for r in rows if r["channel"] == "VOIX"]
    awa_sales = [r for r in rows if r.get("agent_id") == awa and r.get("qualification") == "VENTE"]
    assert awa_sales

    log_in_and_land(page, supervisor, PASSWORD, "/supervision")
    page.goto("/campagnes")
    page.get_by_test_id("row-menu").first.click()
    page.get_by_test_id("action-reports").click()
    page.wait_for_url("**/campagnes/rapports?id=*")
    expect(page.get_by_test_id("report-campaign")).to_have_text("Offre Tabaski")
    expect(page.get_by_test_id("fig-volume")).to_have_text("120")
    expect(page.get_by_test_id("fig-calls")).to_have_text(str(len(calls)))
    expect(page.get_by_test_id("fig-messages")).to_have_text(str(120 - len(calls)))
    expect(page.get_by_test_id("chart-hours").locator(".recharts-bar-rectangle").first
           ).to_be_visible()
    expect(page.get_by_test_id("chart-codes").locator(".recharts-pie-sector").first).to_be_visible()
    expect(page.get_by_test_id("journal-total")).to_contain_text("120")

    choose(page, "filter-agent", "Awa Ndiaye")
    choose(page, "filter-code", "VENTE")
    expect(page.get_by_test_id("journal-total")).to_contain_text(str(len(awa_sales)))
    expect(page.get_by_test_id("journal-row")).to_have_count(len(awa_sales))
    for cells in page.get_by_test_id("journal-row").all():
        expect(cells).to_contain_text("Awa Ndiaye")

    busy = {r["contact_id"] for r in rows if r["direction"] == "OUT" and r.get("outcome") == "busy"}
    assert busy
    page.get_by_test_id("recycle-busy").click()
    expect(page.get_by_test_id("recycle-preview")).to_contain_text(f"{len(busy)} contact")
    page.get_by_test_id("recycle-run").click()
    page.get_by_test_id("recycle-confirm").click()
    expect(page.get_by_test_id("recycle-preview")).to_contain_text("0 contact")
    with tenant_session(ctx) as session:
        requeued = session.exec(select(Interaction.contact_id).where(
            Interaction.campaign_id == campaign, Interaction.step == 1)).all()
    assert sorted(requeued) == sorted(busy)

    page.get_by_test_id("open-export").click()
    page.get_by_test_id("export-xlsx").click()
    page.get_by_test_id("export-start").click()
    link = page.get_by_test_id("export-download")
    expect(link).to_be_visible(timeout=60_000)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    sheet = load_workbook(io.BytesIO(response.body()), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert len(table) == 1 + len(awa_sales)
    assert {r[table[0].index("Agent")] for r in table[1:]} == {"Awa Ndiaye"}
    assert not any(isinstance(c, str) and c[:1] in "=+-@" for r in table for c in r)
