"""UC-CP-05 for the whole tenant in Chromium: « Statistiques » shows every campaign's figures
over the period (equal to those recomputed from the raw rows), a chart, one row per campaign
leading to its own data page; an agent is refused the page."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from services.models.platform import Role
from services.reporting import text
from services.reporting.schedules import list_schedules
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land, log_out
from tests.support.campaigns import new_agent
from tests.support.interactions import add_interactions, new_report_campaign, production_day


def test_tenant_statistics_page(page: Page):
    tenant = new_tenant()
    supervisor = new_user(tenant, Role.SUPERVISOR)
    ctx = context_for(tenant, Role.ADMIN)
    agents = [new_agent(tenant)[1] for _ in range(2)]
    first = new_report_campaign(ctx, "Relance Douala", contacts_total=100)
    second = new_report_campaign(ctx, "Fidélité Yaoundé", contacts_total=50)
    new_report_campaign(ctx, "Brouillon vide")
    midnight = datetime.now(ZoneInfo("Africa/Douala")).replace(hour=0, minute=0, second=0,
                                                               microsecond=0)
    rows_first = production_day(first, agents, midnight, 70, seed=21)
    rows_second = production_day(second, agents, midnight, 30, seed=22)
    add_interactions(ctx, rows_first + rows_second)
    rows = rows_first + rows_second
    calls = sum(r["channel"] == "VOIX" for r in rows)

    log_in_and_land(page, supervisor, PASSWORD, "/supervision")
    page.get_by_test_id("nav-statistiques").click()
    page.wait_for_url("**/statistiques")
    expect(page.get_by_test_id("page-title")).to_have_text("Statistiques")
    expect(page.get_by_test_id("fig-volume")).to_have_text(text.number(len(rows)))
    expect(page.get_by_test_id("fig-calls")).to_have_text(text.number(calls))
    expect(page.get_by_test_id("fig-messages")).to_have_text(text.number(len(rows) - calls))
    expect(page.get_by_test_id("chart-hours").locator(".recharts-bar-rectangle").first
           ).to_be_visible()
    campaigns = page.get_by_test_id("stats-campaign-row")
    expect(campaigns).to_have_count(3)
    expect(campaigns.nth(0)).to_contain_text("Relance Douala")
    expect(campaigns.nth(0)).to_contain_text(str(len(rows_first)))
    expect(campaigns.nth(1)).to_contain_text("Fidélité Yaoundé")
    expect(campaigns.nth(1)).to_contain_text(str(len(rows_second)))
    expect(campaigns.nth(2)).to_contain_text("Brouillon vide")

    # the whole tenant's synthesis, emailed every week: recipients checked first
    page.get_by_test_id("schedule-recipients").fill("dg@exemple.cm, pas-une-adresse")
    page.get_by_test_id("schedule-add").click()
    expect(page.get_by_test_id("schedule-error")).to_contain_text("pas-une-adresse")
    page.get_by_test_id("schedule-recipients").fill("dg@exemple.cm")
    page.get_by_test_id("schedule-add").click()
    expect(page.get_by_test_id("schedule-row")).to_have_count(1)
    expect(page.get_by_test_id("schedule-row")).to_contain_text("Chaque semaine")
    assert [(s.frequency, s.recipients) for s in list_schedules(ctx, None)] == [
        ("weekly", ["dg@exemple.cm"])]

    campaigns.nth(1).get_by_role("link").click()
    page.wait_for_url(f"**/campagnes/rapports?id={second}")
    expect(page.get_by_test_id("report-campaign")).to_have_text("Fidélité Yaoundé")
    expect(page.get_by_test_id("fig-volume")).to_have_text(text.number(len(rows_second)))
    expect(page.get_by_test_id("journal-total")).to_contain_text(str(len(rows_second)))
    expect(page.get_by_test_id("schedule-row")).to_have_count(0)  # the tenant's is not this one's

    log_out(page)
    agent = new_user(tenant, Role.AGENT)
    log_in_and_land(page, agent, PASSWORD, "/bandeau")
    page.goto("/statistiques")
    page.wait_for_url("**/interdit")
    expect(page.get_by_test_id("fig-volume")).to_have_count(0)
