"""Predictive campaigns (UC-VO-01 option): customers dialled first into the campaign's queue, paced.

Invariant: as for progressive calls, a customer is dialled only through an attempt row the pacer claimed
itself (services/voice/dialer.py's claims); how many are dialled at a time is `services.voice.pacing`'s
answer on the campaign's measured rates, which holds the day's abandon rate at or under 3 %. A customer
who answers and finds no agent within QUEUE_WAIT seconds is an abandon (outcome "abandoned"), counted in
those rates and recycled like an unanswered call.

Process (`PredictivePacer.pace`, in the pbx bridge, on every dialer tick and when an agent is ready):
1. the tenant's LIVE campaigns in PREDICTIVE mode, inside their time bands, the wallet covering a minute;
2. their ready agents (the bridge's READY endpoints of the campaign's agents), the calls in flight and
   the agents in call (the tracker's), and the campaign's rates (`campaign_rates`, from its attempts);
3. `calls_to_place` attempts are claimed (due ones first) and originated customer first into
   t-<slug>-predictive, which queues the answered customer in <slug>-campaign-<id>; the tracker learns the
   agent from AgentCalled and follows the call as any other.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import datetime, time as day_time, timezone

from sqlalchemy import func, select

from services.campaigns.timebands import bands_from_config, is_open
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus
from services.models.columns import utcnow
from services.models.interactions import Channel, Interaction
from services.voice.dialer import (
    PlannedCall, campaign_caller_id, claim_payable, dial_mode, stop_for_wallet, voice_settings,
    wallet_covers_a_minute)
from services.voice.pacing import PacingState, agents_freeing, calls_to_place

log = logging.getLogger("predictive")
ABANDONED = "abandoned"
ROLLING = 200                     # attempts the answer rate is measured on
RING_HORIZON = 15.0               # seconds: a dialled customer's usual time to answer


@dataclasses.dataclass(frozen=True)
class CampaignRates:
    answer_rate: float
    measured: int
    answered_today: int           # customers who answered today (connected or abandoned)
    abandoned_today: int
    average_handle: float         # seconds, answer to end


def predictive_campaigns(tenant_id: int, now: datetime) -> list[tuple[Campaign, set[int]]]:
    """The tenant's LIVE predictive campaigns open now, with their agents."""
    with tenant_session(system_context(tenant_id)) as session:
        rows = session.execute(
            select(Campaign, CampaignAgent.user_id).join(CampaignAgent, CampaignAgent.campaign_id == Campaign.id)
            .where(CampaignAgent.pending_removal.is_(False), Campaign.status == CampaignStatus.LIVE.value)
            .order_by(Campaign.id)).all()
    found: dict[int, tuple[Campaign, set[int]]] = {}
    for campaign, user_id in rows:
        if dial_mode(campaign.config) == "PREDICTIVE" and is_open(bands_from_config(campaign.config), now):
            found.setdefault(campaign.id, (campaign, set()))[1].add(user_id)
    return list(found.values())


def campaign_rates(tenant_id: int, campaign_id: int, now: datetime | None = None) -> CampaignRates:
    now = now or utcnow()
    midnight = datetime.combine(now.date(), day_time(0), tzinfo=timezone.utc)
    done = (Interaction.campaign_id == campaign_id, Interaction.channel == Channel.VOIX.value,
            Interaction.outcome.not_in(["", "preview", "skipped"]))
    with tenant_session(system_context(tenant_id)) as session:
        recent = session.execute(select(Interaction.outcome).where(*done).order_by(Interaction.id.desc())
                                 .limit(ROLLING)).scalars().all()
        today = dict(session.execute(select(Interaction.outcome, func.count()).where(
            *done, Interaction.ended_at >= midnight, Interaction.outcome.in_(["answered", ABANDONED]))
            .group_by(Interaction.outcome)).all())
        handle = session.execute(select(func.avg(func.extract("epoch", Interaction.ended_at - Interaction.answered_at)))
                                 .where(*done, Interaction.outcome == "answered")).scalar()
    picked_up = sum(1 for o in recent if o in ("answered", ABANDONED, "machine"))
    return CampaignRates(picked_up / len(recent) if recent else 0.0, len(recent),
                         today.get("answered", 0) + today.get(ABANDONED, 0), today.get(ABANDONED, 0),
                         float(handle or 120.0))


def claim_predictive(tenant_id: int, campaign: Campaign, count: int, now: datetime | None = None) -> list[PlannedCall]:
    """Claim up to `count` attempts of the campaign for customer-first calls (no agent yet)."""
    now = now or utcnow()
    ctx = system_context(tenant_id)
    if not wallet_covers_a_minute(tenant_id):
        stop_for_wallet(tenant_id, campaign.id)
        return []
    settings, caller_id = voice_settings(campaign.config), campaign_caller_id(ctx, campaign.id, campaign.config) or ""
    calls = []
    for _ in range(count):
        claimed = claim_payable(ctx, campaign, None, now)
        if not claimed:
            break
        interaction_id, contact_id, phone = claimed
        calls.append(PlannedCall(tenant_id, ctx.tenant_slug, interaction_id, campaign.id, campaign.name, contact_id,
                                 phone, 0, False, caller_id, record=settings["record"], predictive=True))
    return calls


class PredictivePacer:
    """The pbx bridge's predictive side: `pace(tenant)` places what the pacing function says."""

    def __init__(self, dialer) -> None:
        self.dialer = dialer
        self._pacing: set[int] = set()             # tenants being paced now (one pass at a time)

    async def pace(self, tenant_id: int) -> int:
        if tenant_id in self._pacing:
            return 0
        self._pacing.add(tenant_id)
        try:
            return await self._pace(tenant_id)
        finally:
            self._pacing.discard(tenant_id)

    async def _pace(self, tenant_id: int) -> int:
        now = utcnow()
        placed = 0
        for campaign, agents in await asyncio.to_thread(predictive_campaigns, tenant_id, now):
            tracked = [f for f in self.dialer.tracker.calls.values()
                       if f.call.campaign_id == campaign.id and f.call.tenant_id == tenant_id and not f.settled]
            in_call = sum(1 for f in tracked if f.answered_at is not None or f.call.agent_id)
            in_flight = len(tracked) - in_call
            idle = sum(1 for (t, user) in self.dialer.ready.values() if t == tenant_id and user in agents)
            rates = await asyncio.to_thread(campaign_rates, tenant_id, campaign.id, now)
            state = PacingState(idle_agents=max(0, idle), in_flight=in_flight,
                                freeing_agents=agents_freeing(in_call, rates.average_handle, RING_HORIZON),
                                answer_rate=rates.answer_rate, measured=rates.measured,
                                answered_today=rates.answered_today, abandoned_today=rates.abandoned_today)
            count = calls_to_place(state)
            if count <= 0:
                continue
            for call in await asyncio.to_thread(claim_predictive, tenant_id, campaign, count, now):
                await self.dialer.originate(call, "")
                placed += 1
        return placed
