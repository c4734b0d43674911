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
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, not_, or_, select, tuple_

from services.models.interactions import Channel, Direction, FailureClass, InteractionStatus as S
from services.reporting.periods import Period
from services.reporting.scope import I, Scope, report_scope

SLA_SECONDS = 20
NOT_LEFT_QUEUE = (S.QUEUED.value, S.CANCELLED.value)
PENDING = (S.QUEUED.value, S.SENDING.value)
MESSAGE_CHANNELS = (Channel.SMS.value, Channel.EMAIL.value, Channel.WHATSAPP.value)


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


@dataclass
class Figures:
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
    def reached_rate(self) -> float | None:
        return percent(self.reached, self.attempted)

    @property
    def success_rate(self) -> float | None:
        return percent(self.successes, self.reached)

    @property
    def sla_pct(self) -> float | None:
        return percent(self.inbound_in_sla, self.inbound_offered)

    @property
    def abandon_rate(self) -> float | None:
        return percent(self.inbound_abandoned, self.inbound_offered)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def seconds(later, earlier):
    return func.extract("epoch", later - earlier)


def _count(condition):
    return func.count().filter(condition)


is_call = I.channel == Channel.VOIX.value
outbound = I.direction == Direction.OUT.value
inbound_call = and_(is_call, I.direction == Direction.IN.value)
talked = and_(is_call, I.answered_at.isnot(None), I.ended_at.isnot(None))
talk = seconds(I.ended_at, I.answered_at)
wrap_up = func.coalesce(seconds(I.wrapup_ended_at, I.ended_at), 0)
wait = seconds(I.answered_at, I.queued_at)


def _success(scope: Scope):
    return and_(outbound, I.qualification.in_(scope.success_codes))


def _totals(session, scope: Scope, period: Period, sla: int) -> dict:
    offered = and_(inbound_call, or_(I.answered_at.isnot(None), I.ended_at.isnot(None)))
    query = select(
        func.count().label("volume"),
        _count(is_call).label("calls"),
        _count(outbound).label("outbound"),
        _count(and_(outbound, I.status.notin_(NOT_LEFT_QUEUE))).label("attempted"),
        _count(and_(outbound, or_(and_(is_call, I.answered_at.isnot(None)),
                                  and_(not_(is_call), I.delivered_at.isnot(None))))
               ).label("reached"),
        _count(_success(scope)).label("successes"),
        _count(talked).label("calls_talked"),
        func.coalesce(func.sum(talk).filter(talked), 0).label("talk_seconds"),
        func.avg(talk).filter(talked).label("avg_talk_seconds"),
        func.avg(talk + wrap_up).filter(talked).label("dmt_seconds"),
        _count(offered).label("inbound_offered"),
        _count(and_(inbound_call, I.answered_at.isnot(None))).label("inbound_answered"),
        _count(and_(inbound_call, I.answered_at.isnot(None), wait <= sla)).label("inbound_in_sla"),
        _count(and_(inbound_call, I.answered_at.is_(None), I.ended_at.isnot(None))
               ).label("inbound_abandoned"),
        func.avg(wait).filter(and_(inbound_call, I.answered_at.isnot(None))
                              ).label("avg_wait_seconds"),
    ).where(scope.where(period))
    row = session.execute(query).mappings().one()
    return {k: (float(v) if k.endswith("seconds") and v is not None else v)
            for k, v in row.items()}


def _funnel(session, scope: Scope, period: Period | None) -> list[ChannelFunnel]:
    blacklisted = I.failure_class == FailureClass.BLACKLIST.value
    query = select(
        I.channel,
        _count(I.sent_at.isnot(None)), _count(I.delivered_at.isnot(None)),
        _count(I.read_at.isnot(None)), _count(I.clicked_at.isnot(None)),
        _count(I.status == S.FAILED.value), _count(blacklisted),
        _count(and_(I.status == S.CANCELLED.value, not_(blacklisted))),
        _count(I.status.in_(PENDING)), func.count(),
    ).where(scope.where(period), outbound, I.channel.in_(MESSAGE_CHANNELS)).group_by(I.channel)
    found = {row[0]: ChannelFunnel(*row) for row in session.execute(query)}
    return [found[c] for c in MESSAGE_CHANNELS if c in found]


def _costs(session, scope: Scope, period: Period) -> dict[str, int]:
    # no "cost_amount <> 0" filter: it made the planner leave the (campaign, time) index
    query = (select(I.cost_currency, func.sum(I.cost_amount))
             .where(scope.where(period)).group_by(I.cost_currency))
    return {currency: int(total) for currency, total in session.execute(query) if total}


def _processed(session, scope: Scope) -> int:
    """Contacts touched past the queue, whenever (progress is not bound to the period)."""
    who = I.contact_id if scope.campaign_id is not None else tuple_(I.campaign_id, I.contact_id)
    query = (select(func.count(func.distinct(who)))
             .where(scope.where(), I.contact_id.isnot(None), I.status.notin_(PENDING)))
    return int(session.execute(query).scalar())


def figures_of(session, scope: Scope, period: Period, sla: int = SLA_SECONDS) -> Figures:
    result = Figures(scope.title, period, contacts_total=scope.contacts_total, sla_seconds=sla,
                     **_totals(session, scope, period, sla))
    result.messages = result.volume - result.calls
    result.contacts_processed = _processed(session, scope)
    result.funnel = _funnel(session, scope, period)
    result.costs = _costs(session, scope, period)
    return result


def campaign_figures(ctx, campaign_id: int, period_of) -> Figures:
    """`period_of(zone)` gives the period in the campaign's zone (see periods.period)."""
    with report_scope(ctx, campaign_id) as (session, scope):
        return figures_of(session, scope, period_of(scope.zone))


def sending_funnel(ctx, campaign_id: int) -> list[ChannelFunnel]:
    """The campaign's messages since it began, per channel (its « Envois » page, live)."""
    with report_scope(ctx, campaign_id) as (session, scope):
        return _funnel(session, scope, None)


def tenant_figures(ctx, period_of) -> Figures:
    with report_scope(ctx, None) as (session, scope):
        return figures_of(session, scope, period_of(scope.zone))


__all__ = ["ChannelFunnel", "Figures", "campaign_figures", "figures_of", "percent",
           "sending_funnel", "tenant_figures"]
