"""The wallboard's figures equal a recount from the raw interaction rows and the agents' states."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.identity.access import AccessDenied
from services.infra.redis import get_redis
from services.models.platform import Role
from services.voice.inbound import WAITING
from services.voice.presence import AgentState, set_agent_state
from services.wallboard import WALL_STATES, wait_seconds, wallboard
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import new_agent
from tests.support.interactions import add_interactions, new_report_campaign, production_day

ZONE = "Africa/Douala"              # a CM tenant's zone
DAY_START = datetime(2026, 11, 20, tzinfo=ZoneInfo(ZONE))
NOON = DAY_START + timedelta(hours=12)


def recount(rows: list[dict]) -> dict:
    today = [r for r in rows if r["queued_at"].astimezone(ZoneInfo(ZONE)).date() == DAY_START.date()]
    calls = [r for r in today if r["channel"] == "VOIX"]
    dialled = [r for r in calls if r["direction"] == "OUT" and r["status"] not in ("QUEUED", "CANCELLED")]
    offered = [r for r in calls if r["direction"] == "IN" and (r.get("answered_at") or r.get("ended_at"))]
    handled = dialled + offered
    answered = [r for r in handled if r.get("answered_at")]
    in_sla = [r for r in offered if r.get("answered_at")
              and (r["answered_at"] - r["queued_at"]).total_seconds() <= 20]
    sent = [r for r in today if r["channel"] != "VOIX" and r.get("sent_at")]
    return dict(handled=len(handled), answered_pct=round(100 * len(answered) / len(handled), 1),
                sla_pct=round(100 * len(in_sla) / len(offered), 1), sent=len(sent))


def test_the_wallboard_counts_what_the_rows_and_the_states_say():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    agents = [new_agent(tenant)[1] for _ in range(6)]
    campaign = new_report_campaign(ctx, "Relance", contacts_total=300)
    rows = production_day(campaign, agents, DAY_START, 250, seed=11)
    rows += [dict(r, contact_id=r["contact_id"] + 1000)            # yesterday: not counted
             for r in production_day(campaign, agents, DAY_START - timedelta(days=1), 60, seed=12)]
    add_interactions(ctx, rows)
    for agent, state in zip(agents, (AgentState.READY, AgentState.READY, AgentState.RINGING,
                                     AgentState.IN_CALL, AgentState.WRAP_UP, AgentState.PAUSED)):
        set_agent_state(tenant.id, agent, state)
    set_agent_state(tenant.id, agents[1], AgentState.LOGGED_OUT)     # the latest state counts
    late_agent = new_agent(tenant)[1]                                   # never logged in
    waiting = {"c1": (1_000.0, "Relance"), "c2": (940.0, ""), "c3": (990.0, "Relance")}
    for uniqueid, (since, served) in waiting.items():
        get_redis().hset(WAITING.format(tenant_id=tenant.id), uniqueid, json.dumps(
            {"uniqueid": uniqueid, "queue": f"{tenant.slug}-sales", "phone": "+237600000000", "campaign": served,
             "since": since}))

    wall = wallboard(ctx, NOON)
    want = recount(rows)
    assert (wall.figures.calls_handled, wall.figures.answered_pct, wall.figures.sla_pct,
            wall.figures.messages_sent) == (want["handled"], want["answered_pct"], want["sla_pct"], want["sent"])
    assert want["handled"] > 0 and want["sent"] > 0
    states = {a: s.value for a, s in zip(agents, (AgentState.READY, AgentState.LOGGED_OUT, AgentState.IN_CALL,
                                                    AgentState.IN_CALL, AgentState.WRAP_UP, AgentState.PAUSED))}
    states[late_agent] = "LOGGED_OUT"
    assert wall.agents == {s: Counter(states.values())[s] for s in WALL_STATES}
    assert wall.agents == {"READY": 1, "IN_CALL": 2, "WRAP_UP": 1, "PAUSED": 1, "LOGGED_OUT": 2}
    assert (wall.waiting, wall.oldest_since) == (3, 940.0)
    assert [(q.queue, q.waiting, q.oldest_since) for q in wall.queues] == [
        (f"{tenant.slug}-sales", 1, 940.0), ("Relance", 2, 990.0)]
    assert wait_seconds(wall.oldest_since, 1_065.0) == 125


def test_the_wallboard_is_the_tenants_own_and_refused_to_agents():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.ADMIN)
    add_interactions(ctx, production_day(new_report_campaign(ctx), [new_agent(tenant)[1]], DAY_START, 40, seed=3))
    other = wallboard(context_for(new_tenant(), Role.SUPERVISOR), NOON)
    assert (other.figures.calls_handled, other.figures.messages_sent, other.waiting, sum(other.agents.values())) \
        == (0, 0, 0, 0)
    assert wallboard(ctx, NOON).figures.calls_handled > 0
    with pytest.raises(AccessDenied):
        wallboard(context_for(tenant, Role.AGENT), NOON)
