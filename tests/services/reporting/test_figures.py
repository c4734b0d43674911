"""The dashboard's figures equal those recomputed here, in Python, from the raw rows."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

import pytest

from services.identity.access import AccessDenied
from services.models.platform import Role
from services.reporting.dashboard import campaign_dashboard
from services.reporting.figures import campaign_figures, tenant_figures
from services.reporting.periods import period
from services.reporting.scope import ReportNotFound
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import new_agent
from tests.support.interactions import add_interactions, new_report_campaign, production_day

ZONE = "Africa/Douala"
DAY = date(2026, 11, 20)
DAY_START = datetime(2026, 11, 20, tzinfo=ZoneInfo(ZONE))


def on_day(rows):
    return [r for r in rows if r["queued_at"].astimezone(ZoneInfo(ZONE)).date() == DAY]


def secs(later, earlier):
    return (later - earlier).total_seconds()


def pct(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


@pytest.fixture(scope="module")
def production():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    agents = [new_agent(tenant)[1] for _ in range(3)]
    first = new_report_campaign(ctx, "Relance", contacts_total=400)
    second = new_report_campaign(ctx, "Fidélité", contacts_total=100)
    rows_first = production_day(first, agents, DAY_START, 300, seed=1)
    # the next day, outside the period, but counted in the progress
    rows_first += [dict(r, contact_id=r["contact_id"] + 1000)
                   for r in production_day(first, agents, DAY_START + timedelta(days=1), 40,
                                           seed=2)]
    rows_second = production_day(second, agents, DAY_START, 80, seed=3)
    add_interactions(ctx, rows_first + rows_second)
    return dict(ctx=ctx, tenant=tenant, first=first, second=second, agents=agents,
                rows_first=rows_first, rows_second=rows_second)


def the_day(zone):
    return period("custom", zone, first_day=DAY, last_day=DAY)


def expected(rows, all_rows, contacts_total, success=("VENTE",)):
    calls = [r for r in rows if r["channel"] == "VOIX"]
    out = [r for r in rows if r["direction"] == "OUT"]
    attempted = [r for r in out if r["status"] not in ("QUEUED", "CANCELLED")]
    reached = [r for r in out if (r.get("answered_at") if r["channel"] == "VOIX"
                                  else r.get("delivered_at"))]
    talked = [r for r in calls if r.get("answered_at") and r.get("ended_at")]
    talks = [secs(r["ended_at"], r["answered_at"]) for r in talked]
    dmts = [secs(r["ended_at"], r["answered_at"])
            + (secs(r["wrapup_ended_at"], r["ended_at"]) if r.get("wrapup_ended_at") else 0)
            for r in talked]
    inbound = [r for r in calls if r["direction"] == "IN"]
    offered = [r for r in inbound if r.get("answered_at") or r.get("ended_at")]
    answered_in = [r for r in inbound if r.get("answered_at")]
    waits = [secs(r["answered_at"], r["queued_at"]) for r in answered_in]
    processed = {(r["campaign_id"], r["contact_id"]) for r in all_rows
                 if r["status"] not in ("QUEUED", "SENDING")}
    funnel = {}
    for r in out:
        if r["channel"] == "VOIX":
            continue
        f = funnel.setdefault(r["channel"], Counter())
        for stage in ("sent", "delivered", "read", "clicked"):
            f[stage] += bool(r.get(f"{stage}_at"))
        f["failed"] += r["status"] == "FAILED"
        f["opted_out"] += r.get("failure_class") == "BLACKLIST"
    costs = Counter()
    for r in rows:
        if r.get("cost_amount"):
            costs[r["cost_currency"]] += r["cost_amount"]
    return dict(
        volume=len(rows), calls=len(calls), messages=len(rows) - len(calls),
        contacts_processed=len(processed), progress_pct=pct(len(processed), contacts_total),
        attempted_rate=pct(len(attempted), len(out)),
        reached_rate=pct(len(reached), len(attempted)),
        success_rate=pct(len([r for r in out if r.get("qualification") in success]), len(reached)),
        talk_seconds=sum(talks), avg_talk_seconds=mean(talks), dmt_seconds=mean(dmts),
        avg_wait_seconds=mean(waits),
        sla_pct=pct(len([w for w in waits if w <= 20]), len(offered)),
        abandon_rate=pct(len([r for r in offered if not r.get("answered_at")]), len(offered)),
        funnel={c: dict(f) for c, f in funnel.items()}, costs=dict(costs),
    )


def actual(figures):
    names = ("volume", "calls", "messages", "contacts_processed", "progress_pct",
             "attempted_rate", "reached_rate", "success_rate", "talk_seconds",
             "avg_talk_seconds", "dmt_seconds", "avg_wait_seconds", "sla_pct", "abandon_rate")
    result = {n: getattr(figures, n) for n in names}
    result["funnel"] = {f.channel: {k: getattr(f, k) for k in (
        "sent", "delivered", "read", "clicked", "failed", "opted_out")} for f in figures.funnel}
    result["costs"] = figures.costs
    return result


def assert_same(got, want):
    for name, value in want.items():
        if isinstance(value, float):
            assert got[name] == pytest.approx(value), name
        elif name == "funnel":
            assert got[name] == {c: {k: f.get(k, 0) for k in got[name][c]}
                                 for c, f in value.items()}, name
        else:
            assert got[name] == value, name


def test_campaign_figures_equal_the_raw_rows(production):
    figures = campaign_figures(production["ctx"], production["first"], the_day)
    want = expected(on_day(production["rows_first"]), production["rows_first"], 400)
    assert want["volume"] == 300 and want["funnel"] and want["avg_wait_seconds"]
    assert_same(actual(figures), want)
    assert figures.remaining == 400 - want["contacts_processed"]


def test_tenant_figures_cover_every_campaign(production):
    rows = production["rows_first"] + production["rows_second"]
    figures = tenant_figures(production["ctx"], the_day)
    assert_same(actual(figures), expected(on_day(rows), rows, 500))


def test_the_tenant_report_has_one_row_per_campaign(production):
    board = campaign_dashboard(production["ctx"], None, the_day)
    assert [(c.campaign_id, c.name) for c in board.campaigns] == [
        (production["first"], "Relance"), (production["second"], "Fidélité")]
    for row, raw in zip(board.campaigns, (production["rows_first"], production["rows_second"])):
        want = expected(on_day(raw), raw, 1)
        assert (row.volume, row.calls, row.messages) == (want["volume"], want["calls"],
                                                         want["messages"])
        assert (row.reached_rate, row.success_rate) == (want["reached_rate"],
                                                        want["success_rate"])
        assert row.cost == sum(want["costs"].values())
    # a campaign's own report has no such table
    assert campaign_dashboard(production["ctx"], production["first"], the_day).campaigns == []


def test_a_seven_day_period_counts_both_days(production):
    now = DAY_START + timedelta(days=1, hours=23)
    figures = campaign_figures(production["ctx"], production["first"],
                               lambda zone: period("7d", zone, now=now))
    assert figures.volume == 340


def test_breakdowns_per_agent_hour_and_code(production):
    rows = on_day(production["rows_first"])
    found = campaign_dashboard(production["ctx"], production["first"], the_day)
    calls = [r for r in rows if r["channel"] == "VOIX"]
    per_agent = Counter(r["agent_id"] for r in calls)
    assert {a.agent_id: a.calls for a in found.agents} == dict(per_agent)
    for agent in found.agents:
        talked = [r for r in calls if r["agent_id"] == agent.agent_id
                  and r.get("answered_at") and r.get("ended_at")]
        assert agent.talked == len(talked)
        assert agent.talk_seconds == pytest.approx(
            sum(secs(r["ended_at"], r["answered_at"]) for r in talked))
        assert agent.name.startswith("Test Agent")
    hours = Counter((r["queued_at"].astimezone(ZoneInfo(ZONE)).hour, r["channel"] == "VOIX")
                    for r in rows)
    assert [(h.calls, h.messages) for h in found.hours] == [
        (hours[(h, True)], hours[(h, False)]) for h in range(24)]
    codes = Counter(r["qualification"] for r in rows if r.get("qualification"))
    assert {c.code: c.count for c in found.codes} == dict(codes)
    commented = [r for r in rows if (r.get("form_answers") or {}).get("comment")]
    assert len(found.comments) == len(commented)


def test_another_tenants_campaign_is_not_found(production):
    stranger = context_for(new_tenant(), Role.ADMIN)
    with pytest.raises(ReportNotFound):
        campaign_figures(stranger, production["first"], the_day)


def test_an_agent_reads_no_report(production):
    agent = context_for(production["tenant"], Role.AGENT)
    with pytest.raises(AccessDenied):
        campaign_figures(agent, production["first"], the_day)
