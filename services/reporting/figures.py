"""The dashboard's figures (UC-CP-05) for a campaign or the whole tenant, over a period.

Definitions (the tests recompute each one from the raw rows):
- volume: interactions queued in the period; calls are channel VOIX, the rest messages;
- progress: contacts with at least one touch past the queue (any time) out of the
  campaign's contacts;
- attempted: outbound touches that left the queue (not QUEUED / CANCELLED), out of all
  outbound touches; reached: outbound calls answered or messages delivered, out of the
  attempted; success: outbound touches qualified with a success code, out of the reached;
- talk time: answered → ended; DMT (durée moyenne de traitement): talk + wrap-up
  (ended → wrap-up ended) averaged over the calls talked;
- inbound calls: offered once answered or hung up; wait = queued → answered; SLA = answered
  within the threshold out of offered; abandon = hung up before an answer out of offered;
- funnel per message channel: sent, delivered, read, clicked (a stage reached is counted
  whatever came after), failed (status FAILED), opted out (refused for the blacklist),
  cancelled otherwise, waiting (queued or in flight) out of the total; the campaign's
  « Envois » page shows the same funnel over the campaign's whole life (`sending_funnel`);
- cost: what the wallet was debited, per currency.
The SQL of each definition is in services.reporting.rollup, which reads a period once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, tuple_

from services.reporting.periods import Period
from services.reporting.rollup import (
    FUNNEL, MESSAGE_CHANNELS, PENDING, SLA_SECONDS, Rollup, channel_measures, rollup,
)
from services.reporting.scope import I, Scope, report_scope


@dataclass
class ChannelFunnel:
    channel: str
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0
    failed: int = 0
    opted_out: int = 0
    cancelled: int = 0
    waiting: int = 0  # queued or in flight
    total: int = 0

    @property
    def progress(self) -> int:
        """Percent of the attempts settled (sent onwards, failed or cancelled)."""
        return 100 * (self.total - self.waiting) // self.total if self.total else 0


class OutcomeRates:
    """Reached out of attempted, success out of reached (needs those three counts)."""
    attempted: int
    reached: int
    successes: int

    @property
    def reached_rate(self) -> float | None:
        return percent(self.reached, self.attempted)

    @property
    def success_rate(self) -> float | None:
        return percent(self.successes, self.reached)


@dataclass
class Figures(OutcomeRates):
    title: str
    period: Period
    volume: int = 0
    calls: int = 0
    messages: int = 0
    contacts_total: int = 0
    contacts_processed: int = 0
    attempted: int = 0
    reached: int = 0
    successes: int = 0
    outbound: int = 0
    calls_talked: int = 0
    talk_seconds: float = 0.0
    avg_talk_seconds: float | None = None
    dmt_seconds: float | None = None
    inbound_offered: int = 0
    inbound_answered: int = 0
    inbound_in_sla: int = 0
    inbound_abandoned: int = 0
    avg_wait_seconds: float | None = None
    sla_seconds: int = SLA_SECONDS
    funnel: list[ChannelFunnel] = field(default_factory=list)
    costs: dict[str, int] = field(default_factory=dict)

    @property
    def progress_pct(self) -> float | None:
        return percent(self.contacts_processed, self.contacts_total)

    @property
    def remaining(self) -> int:
        return max(0, self.contacts_total - self.contacts_processed)

    @property
    def attempted_rate(self) -> float | None:
        return percent(self.attempted, self.outbound)


    @property
    def sla_pct(self) -> float | None:
        return percent(self.inbound_in_sla, self.inbound_offered)

    @property
    def abandon_rate(self) -> float | None:
        return percent(self.inbound_abandoned, self.inbound_offered)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _processed(session, scope: Scope) -> int:
    """Contacts touched past the queue, whenever (progress is not bound to the period)."""
    who = I.contact_id if scope.campaign_id is not None else tuple_(I.campaign_id, I.contact_id)
    query = (select(func.count(func.distinct(who)))
             .where(scope.where(), I.contact_id.isnot(None), I.status.notin_(PENDING)))
    return int(session.execute(query).scalar())


def _average(total: float, count: int) -> float | None:
    return total / count if count else None


def _funnel(by_channel: dict[str, dict]) -> list[ChannelFunnel]:
    return [ChannelFunnel(c, *(m[k] for k in FUNNEL)) for c in MESSAGE_CHANNELS
            if (m := by_channel.get(c)) and m["messages_out"]]


def figures_from(scope: Scope, period: Period, sla: int, measures: Rollup,
                 processed: int) -> Figures:
    t = measures.total
    result = Figures(
        scope.title, period, contacts_total=scope.contacts_total, sla_seconds=sla,
        contacts_processed=processed, volume=t["volume"], calls=t["calls"],
        messages=t["volume"] - t["calls"], outbound=t["outbound"], attempted=t["attempted"],
        reached=t["reached"], successes=t["successes"], calls_talked=t["calls_talked"],
        talk_seconds=t["talk_sum"], avg_talk_seconds=_average(t["talk_sum"], t["calls_talked"]),
        dmt_seconds=_average(t["dmt_sum"], t["calls_talked"]),
        inbound_offered=t["inbound_offered"], inbound_answered=t["inbound_answered"],
        inbound_in_sla=t["inbound_in_sla"], inbound_abandoned=t["inbound_abandoned"],
        avg_wait_seconds=_average(t["wait_sum"], t["inbound_answered"]))
    result.funnel = _funnel(measures.channel)
    result.costs = {currency: m["cost"] for currency, m in measures.currency.items()
                    if m["cost"]}
    return result


def figures_of(session, scope: Scope, period: Period, sla: int = SLA_SECONDS) -> Figures:
    return figures_from(scope, period, sla, rollup(session, scope, period, sla),
                        _processed(session, scope))


def campaign_figures(ctx, campaign_id: int, period_of) -> Figures:
    """`period_of(zone)` gives the period in the campaign's zone (see periods.period)."""
    with report_scope(ctx, campaign_id) as (session, scope):
        return figures_of(session, scope, period_of(scope.zone))


def sending_funnel(ctx, campaign_id: int) -> list[ChannelFunnel]:
    """The campaign's messages since it began, per channel (its « Envois » page, live)."""
    with report_scope(ctx, campaign_id) as (session, scope):
        return _funnel(channel_measures(session, scope, None, FUNNEL))


def tenant_figures(ctx, period_of) -> Figures:
    with report_scope(ctx, None) as (session, scope):
        return figures_of(session, scope, period_of(scope.zone))


__all__ = ["ChannelFunnel", "Figures", "campaign_figures", "figures_from", "figures_of", "percent",
           "sending_funnel", "tenant_figures"]
