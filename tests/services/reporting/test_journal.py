"""The campaign journal: filters (date, agent, code, channel, status), sort, pages, identity."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.models.audience import ContactRecord
from services.models.platform import Role
from services.reporting.dashboard import campaign_dashboard
from services.reporting.journal import JournalError, JournalFilter, journal_page
from services.reporting.periods import period
from services.reporting.scope import ReportNotFound
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import new_agent, ready_list
from tests.support.interactions import add_interactions, new_report_campaign, production_day

ZONE = ZoneInfo("Africa/Douala")
DAY_START = datetime(2026, 11, 20, tzinfo=ZONE)


@pytest.fixture(scope="module")
def journal():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.ADMIN)
    agents = [new_agent(tenant)[1] for _ in range(2)]
    campaign = new_report_campaign(ctx)
    rows = production_day(campaign, agents, DAY_START, 120, seed=5)
    rows += [dict(r, contact_id=r["contact_id"] + 500)
             for r in production_day(campaign, agents, DAY_START + timedelta(days=1), 30, seed=6)]
    ids = add_interactions(ctx, rows)
    for row, row_id in zip(rows, ids):
        row["id"] = row_id
    return dict(ctx=ctx, tenant=tenant, campaign=campaign, agents=agents, rows=rows)


def all_ids(ctx, campaign, filters, **kw):
    page = journal_page(ctx, campaign, filters, size=100, **kw)
    ids = [r["id"] for r in page.rows]
    while page.page < page.pages:
        page = journal_page(ctx, campaign, filters, size=100, page=page.page + 1, **kw)
        ids += [r["id"] for r in page.rows]
    return ids


def test_filters_by_agent_and_code(journal):
    agent = journal["agents"][0]
    want = {r["id"] for r in journal["rows"]
            if r.get("agent_id") == agent and r.get("qualification") == "VENTE"}
    got = all_ids(journal["ctx"], journal["campaign"], JournalFilter(agent_id=agent, code="VENTE"))
    assert want and set(got) == want and len(got) == len(want)


def test_filters_by_channel_status_and_day(journal):
    day = date(2026, 11, 21)
    want = {r["id"] for r in journal["rows"] if r["channel"] == "SMS" and r["status"] == "FAILED"
            and r["queued_at"].astimezone(ZONE).date() == day}
    filters = JournalFilter(first_day=day, last_day=day, channel="SMS", status="FAILED")
    assert set(all_ids(journal["ctx"], journal["campaign"], filters)) == want


def test_pages_cover_every_row_once_newest_first(journal):
    page = journal_page(journal["ctx"], journal["campaign"], JournalFilter(), size=25)
    assert page.total == 150 and page.pages == 6
    ids = all_ids(journal["ctx"], journal["campaign"], JournalFilter())
    newest_first = sorted(journal["rows"], key=lambda r: (r["queued_at"], r["id"]), reverse=True)
    assert ids == [r["id"] for r in newest_first]
    assert page.rows[0]["date"] == newest_first[0]["queued_at"].astimezone(ZONE).strftime(
        "%d/%m/%Y %H:%M:%S")


def test_the_filters_offer_the_campaigns_codes_and_agents(journal):
    board = campaign_dashboard(journal["ctx"], journal["campaign"],
                               lambda zone: period("today", zone))
    assert board.filter_codes == sorted({r["qualification"] for r in journal["rows"]
                                         if r.get("qualification")})
    assert {a for a, _ in board.filter_agents} == set(journal["agents"])


def test_sorts_by_talk_time(journal):
    talked = [r for r in journal["rows"] if r.get("answered_at") and r.get("ended_at")]
    page = journal_page(journal["ctx"], journal["campaign"], JournalFilter(channel="VOIX"),
                        sort="duree", descending=True, size=25)
    longest = max((r["ended_at"] - r["answered_at"]).total_seconds() for r in talked)
    assert page.rows[0]["duree"] == str(round(longest))
    with pytest.raises(JournalError):
        journal_page(journal["ctx"], journal["campaign"], JournalFilter(), sort="body")


def test_a_row_shows_the_contacts_identity_and_status_in_french(journal):
    ctx = journal["ctx"]
    list_id = ready_list(ctx)
    with tenant_session(ctx) as session:
        paul = session.exec(select(ContactRecord).where(ContactRecord.list_id == list_id,
                                                        ContactRecord.prenom == "Paul")).one()
    add_interactions(ctx, [dict(channel="SMS", campaign_id=journal["campaign"], contact_id=paul.id,
                                list_id=list_id, address=paul.telephone, slot="sms", step=3,
                                status="DELIVERED", queued_at=DAY_START)])
    page = journal_page(ctx, journal["campaign"], JournalFilter(contact_id=paul.id))
    assert [(r["contact"], r["coordonnees"], r["statut"], r["canal"]) for r in page.rows] == [
        ("Mbarga Paul", "+237671234567", "Délivré", "SMS")]


def test_another_tenant_reads_no_journal(journal):
    stranger = context_for(new_tenant(), Role.SUPERVISOR)
    with pytest.raises(ReportNotFound):
        journal_page(stranger, journal["campaign"], JournalFilter())


def test_the_pbx_outcome_reads_in_french(journal):
    busy = {r["id"] for r in journal["rows"] if r.get("outcome") == "busy"}
    page = journal_page(journal["ctx"], journal["campaign"], JournalFilter(channel="VOIX"),
                        size=100)
    shown = {r["id"]: r["resultat"] for r in page.rows}
    assert busy and {shown[i] for i in busy if i in shown} == {"Occupé"}
