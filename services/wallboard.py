"""The wallboard (« Mur d'affichage »): the day's figures and the team at a glance, for a screen
on the wall of the call centre.

Invariant: every figure is one already defined elsewhere, counted the same way — the day's
calls, answered rate, SLA and messages come from the reporting rollup (services.reporting.rollup)
over today in the tenant's zone; the agents' states from the presence hash (through
services.supervision.team_states); the waiting callers from the inbound queues
(services.voice.inbound.waiting_calls).

Process: the page reads `wallboard` when it opens; then the agents' states and the waiting
callers follow the live events of the supervision topic, and the day's figures are read again
at most every FIGURES_EVERY seconds (`day_figures`), when an event or the page's clock ticks.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from services.models.interactions import Channel
from services.identity.access import AuthContext, access_area
from services.reporting.figures import percent
from services.reporting.periods import period
from services.reporting.rollup import MESSAGE_CHANNELS, SLA_SECONDS, rollup
from services.reporting.scope import report_scope
from services.supervision import team_states
from services.voice.inbound import waiting_calls

FIGURES_EVERY = 10.0
# The wall's columns, in the order of the working day; a ringing agent counts as « En appel ».
WALL_STATES = ("READY", "IN_CALL", "WRAP_UP", "PAUSED", "LOGGED_OUT")
FOLDED = {"RINGING": "IN_CALL"}


@dataclass(frozen=True)
class DayFigures:
    calls_handled: int      # outbound calls dialled + inbound calls offered (answered or hung up)
    calls_answered: int     # of those, answered
    inbound_offered: int
    inbound_in_sla: int     # answered within SLA_SECONDS
    messages_sent: int      # SMS, e-mail, WhatsApp handed to the provider (sent onwards)

    @property
    def answered_pct(self) -> float | None:
        return percent(self.calls_answered, self.calls_handled)

    @property
    def sla_pct(self) -> float | None:
        return percent(self.inbound_in_sla, self.inbound_offered)


@dataclass(frozen=True)
class QueueWait:
    queue: str              # what the wall shows: the campaign the queue serves, else the queue's name
    waiting: int
    oldest_since: float     # epoch when its longest-waiting caller joined


@dataclass(frozen=True)
class Wallboard:
    figures: DayFigures
    agents: dict[str, int]          # WALL_STATES -> how many agents
    states: dict[int, str]          # agent user id -> state (the page follows each one)
    waiting: int                    # callers in a queue now
    oldest_since: float | None      # epoch when the longest-waiting caller joined its queue
    queues: list[QueueWait]         # per queue, the longest wait first


def day_figures(ctx: AuthContext, now: datetime | None = None) -> DayFigures:
    """Today's figures of the whole tenant (the day in the tenant's zone)."""
    access_area(ctx, "supervision")
    with report_scope(ctx, None) as (session, scope):
        measures = rollup(session, scope, period("today", scope.zone, now), SLA_SECONDS)
    voice = measures.channel.get(Channel.VOIX.value, {})
    return DayFigures(
        calls_handled=voice.get("attempted", 0) + voice.get("inbound_offered", 0),
        calls_answered=voice.get("reached", 0) + voice.get("inbound_answered", 0),
        inbound_offered=measures.total["inbound_offered"],
        inbound_in_sla=measures.total["inbound_in_sla"],
        messages_sent=sum(measures.channel.get(c, {}).get("sent", 0) for c in MESSAGE_CHANNELS))


def agents_by_state(states) -> dict[str, int]:
    """How many agents in each of the wall's states (`states`: the agents' state values)."""
    counts = dict.fromkeys(WALL_STATES, 0)
    for state in states:
        state = FOLDED.get(state, state)
        counts[state if state in counts else "LOGGED_OUT"] += 1
    return counts


def oldest_wait(calls: list[dict]) -> float | None:
    """When the longest-waiting caller joined its queue (epoch), None when nobody waits."""
    return min((c["since"] for c in calls), default=None)


def queues_waiting(calls: list[dict]) -> list[QueueWait]:
    """The waiting callers per queue, the queue with the longest wait first."""
    joined: dict[str, list[float]] = {}
    for call in calls:
        joined.setdefault(call.get("campaign") or call["queue"], []).append(call["since"])
    return sorted((QueueWait(q, len(since), min(since)) for q, since in joined.items()),
                  key=lambda w: w.oldest_since)


def wait_seconds(oldest_since: float | None, now: float | None = None) -> int:
    return 0 if oldest_since is None else max(0, int((now or time.time()) - oldest_since))


def wallboard(ctx: AuthContext, now: datetime | None = None) -> Wallboard:
    states, _ = team_states(ctx)
    calls = waiting_calls(ctx)
    return Wallboard(day_figures(ctx, now), agents_by_state(states.values()), states, len(calls),
                     oldest_wait(calls), queues_waiting(calls))
