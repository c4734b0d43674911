"""The progressive dialer (UC-VO-01): a « Prêt » agent of a LIVE campaign gets the next due contact.

Invariant: a customer is dialled only through an `interaction` row written first, and that row is
unique per (campaign, contact, slot "voice", step = attempt number): the dialer inserts with ON
CONFLICT DO NOTHING and dials only a row it created or moved QUEUED -> SENDING itself, so running it
twice (two bridges, a retried tick, a restart) never dials a contact twice for the same attempt.
An agent has at most one call in progress (a Redis key held from the Originate to the end of the call).

Process, for one ready agent (`next_call`):
1. the agent's LIVE campaigns whose voice slot is enabled in PROGRESSIVE or PREVIEW mode, inside their
   time bands (PREDICTIVE campaigns are dialled customer first by services/voice/predictive.py); an
   INBOUND campaign's lists are never dialled, only the callbacks its callers asked for (saturation,
   services/voice/inbound.py `request_callback`), each due since the caller first waited;
2. the Smart Wallet must hold a positive balance, else the campaign is paused with the reason;
3. the oldest due attempt (a retry or a callback, `next_try_at` passed, for anyone or for this agent)
   is claimed; otherwise the next contact of the campaign's lists never touched by its voice slot;
   on the way, a blacklisted contact is written CANCELLED (reason shown in the report), one over
   the tenant's frequency caps or outside its own local hours is written QUEUED for later; the
   claimed number's destination must be payable (the balance covers one started minute at that
   country and line type's price, services/billing/destinations.py), else the attempt goes back to
   QUEUED, due at once, and the campaign is paused with the reason;
4. the caller (the bridge, `Dialer`) originates AGENT FIRST into t-<slug>-outbound-agent-first, or
   customer first into t-<slug>-amd-outbound when the campaign asks for answering-machine detection;
   the call's Uniqueid (Originate ChannelId) names the interaction: bgc-call-<tenant>-<interaction>;
   in PREVIEW mode the attempt is offered to the agent instead (services/voice/preview.py) and
   originated the same way only when they click « Appeler ».
What the PBX then says is read by services/voice/call_outcomes.py.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert

from services.audience.blacklist import is_opted_out
from services.billing.destinations import minute_price
from services.billing.wallet import wallet_of
from services.campaigns.timebands import bands_from_config, is_open
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.infra.redis import get_redis
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus, FrequencyCap
from services.models.columns import utcnow
from services.models.interactions import Channel, Direction, FailureClass, Interaction, InteractionStatus
from services.voice.phone_numbers import campaign_caller_id

log = logging.getLogger("dialer")
SLOT = "voice"
CALLBACK_SLOT = "callback"        # a callback an inbound caller asked for (step: their inbound call's id)
CALLBACK_ASKED = "Rappel demandé par l'appelant (file saturée)."
ACTIVE_CALL = "bgc:dialer:call:{tenant_id}:{user_id}"     # the agent's call in progress (interaction id)
ACTIVE_TTL = 4 * 3600
QUEUE_WAIT = 2           # seconds a predictive call waits for an agent before it is an abandon (French rule)
CHANNEL_ID = "bgc-call-{tenant_id}-{interaction_id}"
LOW_WALLET = "Solde du Smart Wallet insuffisant pour appeler : rechargez pour reprendre la campagne."
BLACKLISTED = "Contact en liste noire : jamais appelé."
OUTSIDE_CONTACT_HOURS = "Hors des heures locales du contact : reporté."
OVER_CAP = "Plafond de sollicitations atteint ({n} appels en {days} jours) : reporté."
AFTER_REFUSAL = "Refus récent : pas d'appel pendant {days} jours."
I = InteractionStatus


@dataclass(frozen=True)
class PlannedCall:
    tenant_id: int
    tenant_slug: str
    interaction_id: int
    campaign_id: int
    campaign_name: str
    contact_id: int
    phone: str
    agent_id: int
    amd: bool
    caller_id: str = ""          # the DID the customer sees ("" : the tenant's default number)
    preview: bool = False        # offered to the agent first (« Appeler » / « Passer »)
    record: bool = False         # MixMonitor (services/voice/recordings.py)
    predictive: bool = False     # customer first into the campaign's queue (agent_id 0 until connected)

    @property
    def customer_first(self) -> bool:
        return self.amd or self.predictive

    @property
    def channel_id(self) -> str:
        return CHANNEL_ID.format(tenant_id=self.tenant_id, interaction_id=self.interaction_id)


def call_of_channel(uniqueid: str) -> tuple[int, int] | None:
    """(tenant id, interaction id) of a channel the dialer originated, from its Uniqueid."""
    parts = uniqueid.split("-")
    if len(parts) != 4 or parts[:2] != ["bgc", "call"] or not (parts[2].isdigit() and parts[3].isdigit()):
        return None
    return int(parts[2]), int(parts[3])


def voice_settings(config: dict) -> dict:
    voice = config.get("channels", {}).get("voice", {})
    return {"busy_retry_minutes": int(voice.get("busy_retry_minutes") or 15),
            "retry_minutes": int(voice.get("retry_minutes") or 60),
            "max_attempts": max(1, int(voice.get("max_attempts") or 3)), "amd": bool(voice.get("amd")),
            "record": bool(voice.get("record"))}


def dialled_agents(tenant_id: int) -> set[int]:
    """The agents of the tenant's LIVE progressive campaigns (one query: the dialer's cheap filter)."""
    with tenant_session(system_context(tenant_id)) as session:
        rows = session.execute(
            select(CampaignAgent.user_id, Campaign.config).join(Campaign, CampaignAgent.campaign_id == Campaign.id)
            .where(CampaignAgent.pending_removal.is_(False), Campaign.status == CampaignStatus.LIVE.value)).all()
    return {user_id for user_id, config in rows if dial_mode(config) in AGENT_MODES + ("INBOUND",)}


AGENT_MODES = ("PROGRESSIVE", "PREVIEW")     # a call per ready agent, dialled agent first


def dial_mode(config: dict) -> str:
    """The voice slot's dialling mode, "" when the slot is off."""
    voice = config.get("channels", {}).get("voice", {})
    return str(voice.get("mode") or "") if voice.get("enabled") else ""


# ---- one agent, one call ----------------------------------------------------------------------------
def agent_busy(tenant_id: int, user_id: int) -> bool:
    return bool(get_redis().exists(ACTIVE_CALL.format(tenant_id=tenant_id, user_id=user_id)))


def hold_agent(tenant_id: int, user_id: int) -> bool:
    """Reserve the agent for one call; False when a call of theirs is already in progress."""
    return bool(get_redis().set(ACTIVE_CALL.format(tenant_id=tenant_id, user_id=user_id), "dialing",
                                nx=True, ex=60))


def held_call(tenant_id: int, user_id: int) -> int | None:
    """The interaction the agent is held for (None while still choosing it, or free)."""
    value = get_redis().get(ACTIVE_CALL.format(tenant_id=tenant_id, user_id=user_id))
    return int(value) if value and value.isdigit() else None


def release_agent(tenant_id: int, user_id: int) -> None:
    get_redis().delete(ACTIVE_CALL.format(tenant_id=tenant_id, user_id=user_id))


# ---- who is due ---------------------------------------------------------------------------------------
def next_call(tenant_id: int, agent_id: int, now: datetime | None = None) -> PlannedCall | None:
    """Claim the next attempt for this ready agent (see the module's process), or None."""
    now = now or utcnow()
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        campaigns = session.execute(
            select(Campaign).join(CampaignAgent, CampaignAgent.campaign_id == Campaign.id)
            .where(CampaignAgent.user_id == agent_id, CampaignAgent.pending_removal.is_(False),
                   Campaign.status == CampaignStatus.LIVE.value).order_by(Campaign.id)).scalars().all()
    for campaign in campaigns:
        mode = dial_mode(campaign.config)
        if mode not in AGENT_MODES + ("INBOUND",) or not is_open(bands_from_config(campaign.config), now):
            continue
        if not wallet_covers_a_minute(tenant_id):
            stop_for_wallet(tenant_id, campaign.id)
            continue
        claimed = claim_payable(ctx, campaign, agent_id, now, callbacks_only=mode == "INBOUND")
        if claimed:
            interaction_id, contact_id, phone = claimed
            return PlannedCall(tenant_id, ctx.tenant_slug, interaction_id, campaign.id, campaign.name, contact_id,
                               phone, agent_id, voice_settings(campaign.config)["amd"],
                               campaign_caller_id(ctx, campaign.id, campaign.config) or "",
                               preview=mode == "PREVIEW", record=voice_settings(campaign.config)["record"])
    return None


def wallet_covers_a_minute(tenant_id: int, phone: str = "") -> bool:
    """A positive balance; with a number, one that pays a started minute to its destination."""
    wallet = wallet_of(tenant_id)
    if wallet is None or wallet.balance <= 0:
        return False
    return not phone or wallet.balance >= minute_price(wallet.currency, phone)[0]


def claim_payable(ctx, campaign: Campaign, agent_id: int | None, now: datetime,
                  callbacks_only: bool = False) -> tuple[int, int, str] | None:
    """`claim_attempt` (`callbacks_only`: the callbacks inbound callers asked for), then the wallet checked
    at the number's destination price: one it cannot pay goes back to the queue, due at once, and the
    campaign is paused (None)."""
    claimed = (_claim_due(ctx, campaign, agent_id, now, slot=CALLBACK_SLOT) if callbacks_only
               else claim_attempt(ctx, campaign, agent_id, now))
    if claimed is None or wallet_covers_a_minute(ctx.tenant_id, claimed[2]):
        return claimed
    requeue(ctx, claimed[0], now, LOW_WALLET)
    stop_for_wallet(ctx.tenant_id, campaign.id)
    return None


def requeue(ctx, interaction_id: int, due: datetime, reason: str = "") -> None:
    """A claimed attempt that was not dialled after all: QUEUED again, due at `due`, for anyone, and the
    claim's try not counted."""
    with tenant_session(ctx) as session:
        session.execute(update(Interaction).where(
            Interaction.id == interaction_id, Interaction.status == I.SENDING.value).values(
            **given_back(due, reason)))


def given_back(due: datetime, reason: str = "") -> dict:
    """The columns of an attempt claimed but not dialled: QUEUED again, due at `due`, for anyone, its try
    not counted."""
    return dict(status=I.QUEUED.value, agent_id=None, next_try_at=due, failure_reason=reason,
                tries=func.greatest(Interaction.tries - 1, 0), updated_at=utcnow())


def stop_for_wallet(tenant_id: int, campaign_id: int) -> None:
    """A wallet too low to call stops the campaign as an empty wallet stops a sending one: the reason on its
    page, the offered cards taken back, the admins told."""
    from services.campaigns.lifecycle import pause_for_empty_wallet

    pause_for_empty_wallet(system_context(tenant_id), campaign_id, LOW_WALLET)


def claim_attempt(ctx, campaign: Campaign, agent_id: int | None, now: datetime) -> tuple[int, int, str] | None:
    """(interaction, contact, number) of the campaign's next attempt, claimed SENDING for `agent_id` (None: a
    predictive call, whoever takes it): a due retry or callback first, else a contact never touched."""
    return _claim_due(ctx, campaign, agent_id, now) or _claim_fresh(ctx, campaign, agent_id, now)


def _claim_due(ctx, campaign: Campaign, agent_id: int | None, now: datetime,
               slot: str | None = None) -> tuple[int, int, str] | None:
    """A retry or callback (`slot`: of that slot only) whose time has come: QUEUED -> SENDING, atomically
    (SKIP LOCKED)."""
    due = (select(Interaction.id).where(
        Interaction.campaign_id == campaign.id, Interaction.channel == Channel.VOIX.value,
        Interaction.direction == Direction.OUT.value, Interaction.status == I.QUEUED.value,
        Interaction.next_try_at <= now,
        (Interaction.agent_id.is_(None)) | (Interaction.agent_id == agent_id),
        *([Interaction.slot == slot] if slot else []))
        .order_by(Interaction.next_try_at, Interaction.id).limit(1).with_for_update(skip_locked=True))
    with tenant_session(ctx) as session:
        row = session.execute(
            update(Interaction).where(Interaction.id == due.scalar_subquery())
            .values(status=I.SENDING.value, agent_id=agent_id, sending_at=now, updated_at=now,
                    tries=Interaction.tries + 1, campaign_version=campaign.version)
            .returning(Interaction.id, Interaction.contact_id, Interaction.address)).first()
        session.commit()
    return tuple(row) if row else None


def _claim_fresh(ctx, campaign: Campaign, agent_id: int | None, now: datetime) -> tuple[int, int, str] | None:
    """The next contact of the campaign's lists its voice slot never touched (first attempt, step 0)."""
    lists = campaign.config.get("lists") or []
    if not lists:
        return None
    touched = exists().where(Interaction.campaign_id == campaign.id, Interaction.contact_id == ContactRecord.id,
                             Interaction.slot == SLOT)
    bands = bands_from_config(campaign.config)
    caps = _voice_cap(ctx)
    while True:
        with tenant_session(ctx) as session:
            batch = session.execute(
                select(ContactRecord.id, ContactRecord.list_id, ContactRecord.telephone)
                .where(ContactRecord.list_id.in_(lists), ContactRecord.telephone != "", ~touched)
                .order_by(ContactRecord.list_id, ContactRecord.id).limit(20)).all()
        if not batch:
            return None
        for contact_id, list_id, phone in batch:
            status, next_try, reason, failure = _gate(ctx, bands, caps, phone, now)
            created = _insert_attempt(ctx, campaign, contact_id, list_id, phone, step=0, now=now, status=status,
                                      agent_id=agent_id if status == I.SENDING else None,
                                      next_try_at=next_try, failure_reason=reason, failure_class=failure)
            if created and status == I.SENDING:
                return created, contact_id, phone


def _gate(ctx, bands, cap: FrequencyCap | None, phone: str, now: datetime):
    """(status, next try, reason, failure class) for a contact about to be dialled for the first time."""
    if is_opted_out(ctx, phone=phone):
        return I.CANCELLED, now, BLACKLISTED, FailureClass.BLACKLIST.value
    if not is_open(bands, now, phone):
        return I.QUEUED, now + timedelta(minutes=30), OUTSIDE_CONTACT_HOURS, ""
    if cap is not None:
        later = _cap_delay(ctx, cap, phone, now)
        if later:
            return I.QUEUED, later[0], later[1], ""
    return I.SENDING, now, "", ""


def _voice_cap(ctx) -> FrequencyCap | None:
    with tenant_session(ctx) as session:
        return session.execute(select(FrequencyCap).where(FrequencyCap.channel == Channel.VOIX.value)).scalars().first()


def _cap_delay(ctx, cap: FrequencyCap, phone: str, now: datetime) -> tuple[datetime, str] | None:
    """When this number may be called again under the tenant's caps (None: now). Calls of every campaign count."""
    placed = (Interaction.channel == Channel.VOIX.value, Interaction.address == phone,
              Interaction.status.in_([I.RINGING.value, I.ANSWERED.value, I.ENDED.value, I.WRAPPED_UP.value]))
    with tenant_session(ctx) as session:
        if cap.cooldown_after_refusal_days:
            refused = session.execute(select(Interaction.ended_at).where(
                *placed, Interaction.qualification == "REFUS",
                Interaction.ended_at > now - timedelta(days=cap.cooldown_after_refusal_days))
                .order_by(Interaction.ended_at.desc()).limit(1)).scalar()
            if refused:
                return (refused + timedelta(days=cap.cooldown_after_refusal_days),
                        AFTER_REFUSAL.format(days=cap.cooldown_after_refusal_days))
        window = session.execute(select(Interaction.queued_at).where(
            *placed, Interaction.queued_at > now - timedelta(days=cap.window_days))
            .order_by(Interaction.queued_at)).scalars().all()
    if len(window) >= cap.max_contacts:
        return (window[len(window) - cap.max_contacts] + timedelta(days=cap.window_days),
                OVER_CAP.format(n=cap.max_contacts, days=cap.window_days))
    return None


def _insert_attempt(ctx, campaign: Campaign, contact_id: int | None, list_id: int | None, phone: str, *,
                    step: int, now: datetime, status: InteractionStatus, agent_id: int | None = None,
                    next_try_at: datetime | None = None, failure_reason: str = "",
                    failure_class: str = "", slot: str = SLOT) -> int | None:
    """One attempt row; None when that (campaign, contact, slot, step) exists already."""
    values = dict(channel=Channel.VOIX.value, direction=Direction.OUT.value, campaign_id=campaign.id,
                  campaign_version=campaign.version, contact_id=contact_id, list_id=list_id, address=phone,
                  slot=slot, step=step, status=status.value, agent_id=agent_id, next_try_at=next_try_at or now,
                  queued_at=now, updated_at=now, failure_reason=failure_reason, failure_class=failure_class,
                  form_answers={}, tries=1 if status == I.SENDING else 0,
                  sending_at=now if status == I.SENDING else None,
                  failed_at=now if status == I.CANCELLED else None)
    with tenant_session(ctx) as session:
        row = session.execute(
            insert(Interaction).values(**values)
            .on_conflict_do_nothing(index_elements=["campaign_id", "contact_id", "slot", "step"],
                                    index_where=and_(Interaction.campaign_id.is_not(None),
                                                     Interaction.direction == Direction.OUT.value))
            .returning(Interaction.id)).first()
        session.commit()
    return row[0] if row else None


def schedule_attempt(tenant_id: int, previous: Interaction, due: datetime, *, agent_id: int | None = None,
                     reason: str = "") -> int | None:
    """The next attempt of the same contact (step + 1), due at `due`: a retry, a recycle or a callback."""
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        campaign = session.get(Campaign, previous.campaign_id)
    if campaign is None:
        return None
    return _insert_attempt(ctx, campaign, previous.contact_id, previous.list_id, previous.address,
                           step=previous.step + 1, now=utcnow(), status=I.QUEUED, agent_id=agent_id,
                           next_try_at=due, failure_reason=reason, slot=previous.slot or SLOT)


def request_callback(tenant_id: int, inbound_id: int) -> int | None:
    """An inbound caller of a campaign's queue asked to be called back: an outbound attempt of that
    campaign, due since the caller first waited (it keeps their turn: older due attempts go first), for
    the next free agent of the campaign. None without a campaign (the general queue offers no callback)."""
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        inbound = session.get(Interaction, inbound_id)
        campaign = session.get(Campaign, inbound.campaign_id) if inbound and inbound.campaign_id else None
    if campaign is None or not inbound.address:
        return None
    return _insert_attempt(ctx, campaign, inbound.contact_id, inbound.list_id, inbound.address, step=inbound_id,
                           now=utcnow(), status=I.QUEUED, next_try_at=inbound.queued_at or utcnow(),
                           failure_reason=CALLBACK_ASKED, slot=CALLBACK_SLOT)


# ---- the driver inside the pbx bridge -------------------------------------------------------------
def originate_fields(call: PlannedCall, endpoint: str) -> dict:
    """What to originate: agent first, or customer first with AMD (the agent is dialled on HUMAN).
    The campaign's DID goes as CALLER_NUM (the dialplan shows it to the customer), or as the
    Originate's CallerID when the customer is the first leg."""
    from services.voice.sip import tenant_context
    variables = {"CAMPAIGN": str(call.campaign_id), "INTERACTION": str(call.interaction_id),
                 "AGENT_ID": endpoint.rsplit("-", 1)[-1], "RECORD": "1" if call.record else "0"}
    if call.caller_id:
        variables["CALLER_NUM"] = call.caller_id
    if call.predictive:
        from services.voice.sip import campaign_queue
        variables.update(QUEUE=campaign_queue(call.tenant_slug, call.campaign_id), QUEUE_WAIT=str(QUEUE_WAIT))
        variables.pop("AGENT_ID")
        return dict(channel=f"PJSIP/{call.phone}@carrier", context=tenant_context(call.tenant_slug, "predictive"),
                    exten="s", variables=variables, caller_id=f"<{call.caller_id}>" if call.caller_id else "")
    if call.amd:
        return dict(channel=f"PJSIP/{call.phone}@carrier", context=tenant_context(call.tenant_slug, "amd-outbound"),
                    exten="s", variables=variables, caller_id=f"<{call.caller_id}>" if call.caller_id else "")
    return dict(channel=f"PJSIP/{endpoint}", context=tenant_context(call.tenant_slug, "outbound-agent-first"),
                exten=call.phone, variables=variables, caller_id=f'"{call.campaign_name[:40]}" <{call.phone}>')


class Dialer:
    """Runs in the pbx bridge: dials for an agent as soon as they are ready, and re-checks ready agents
    every `tick` seconds (a retry or a callback may have come due since)."""

    def __init__(self, gateway, tracker, tick: float = 5.0) -> None:
        self.gateway, self.tracker, self.tick = gateway, tracker, tick
        self.ready: dict[str, tuple[int, int]] = {}     # endpoint -> (tenant, user) while READY
        self._staffed: dict[int, tuple[float, set[int]]] = {}   # tenant -> (read at, dialled agents)
        self.offered: dict[str, tuple[PlannedCall, str]] = {}   # channel id -> (preview call, endpoint)
        self._stop = asyncio.Event()
        from services.voice.predictive import PredictivePacer
        self.pacer = PredictivePacer(self)

    def agent_state(self, endpoint: str, owner: tuple[int, int], ready: bool) -> None:
        if ready:
            self.ready[endpoint] = owner
            asyncio.ensure_future(self.dial_for(endpoint, owner))
            asyncio.ensure_future(self._pace(owner[0]))
        else:
            self.ready.pop(endpoint, None)

    async def _dialled(self, tenant_id: int, user_id: int) -> bool:
        read_at, agents = self._staffed.get(tenant_id, (0.0, set()))
        if time.monotonic() - read_at > self.tick:
            agents = await asyncio.to_thread(dialled_agents, tenant_id)
            self._staffed[tenant_id] = (time.monotonic(), agents)
        return user_id in agents

    async def dial_for(self, endpoint: str, owner: tuple[int, int]) -> None:
        tenant_id, user_id = owner
        if not await self._dialled(tenant_id, user_id):
            return
        if not hold_agent(tenant_id, user_id) and not await self._forget_lost_call(tenant_id, user_id):
            return
        try:
            call = await asyncio.to_thread(next_call, tenant_id, user_id)
        except Exception:
            release_agent(tenant_id, user_id)
            log.exception("no call for %s", endpoint)
            return
        if call is None or endpoint not in self.ready:
            release_agent(tenant_id, user_id)
            if call is not None:       # the agent left meanwhile: the attempt is due again at once
                await asyncio.to_thread(self.tracker.give_back, call)
            return
        get_redis().set(ACTIVE_CALL.format(tenant_id=tenant_id, user_id=user_id), call.interaction_id, ex=ACTIVE_TTL)
        if call.preview:                     # the agent decides: « Appeler » comes back as `place`
            from services.voice.preview import offer
            self.offered[call.channel_id] = (call, endpoint)
            if not await asyncio.to_thread(offer, call):     # the campaign stopped or the agent left it
                self.offered.pop(call.channel_id, None)
                await asyncio.to_thread(self.tracker.give_back, call)
                release_agent(tenant_id, user_id)
            return
        await self.originate(call, endpoint)

    async def originate(self, call: PlannedCall, endpoint: str) -> None:
        self.tracker.expect(call, endpoint)
        fields = originate_fields(call, endpoint)
        try:
            await self.gateway.originate(fields["channel"], fields["context"], fields["exten"],
                                         caller_id=fields["caller_id"], variables=fields["variables"],
                                         channel_id=call.channel_id, action_id=call.channel_id)
        except Exception as error:           # refused by the PBX: the attempt is given back, due at once
            log.warning("originate for %s refused: %s", endpoint, error)
            await asyncio.to_thread(self.tracker.give_back, call)
            release_agent(call.tenant_id, call.agent_id)

    async def place(self, tenant_id: int, interaction_id: int) -> None:
        """« Appeler » on an offered preview (checked by services/voice/preview.py): originate it now."""
        found = self.offered.pop(CHANNEL_ID.format(tenant_id=tenant_id, interaction_id=interaction_id), None)
        if found is None:
            raise LookupError("Cette fiche n'est plus proposée : rechargez le bandeau.")
        await self.originate(*found)

    def withdrawn(self, tenant_id: int, interaction_id: int) -> None:
        """« Passer » (or a refused « Appeler »): the offer is gone and the agent is free for the next one."""
        found = self.offered.pop(CHANNEL_ID.format(tenant_id=tenant_id, interaction_id=interaction_id), None)
        if found is not None:
            call, endpoint = found
            self.agent_state(endpoint, (call.tenant_id, call.agent_id), endpoint in self.ready)

    async def _forget_lost_call(self, tenant_id: int, user_id: int) -> bool:
        """A ready agent held for a call this bridge does not follow (it restarted meanwhile): that call is
        over. Its attempt is closed as interrupted, the agent freed and held again for the next one."""
        lost = held_call(tenant_id, user_id)
        channel_id = CHANNEL_ID.format(tenant_id=tenant_id, interaction_id=lost)
        if lost is None or channel_id in self.tracker.calls or channel_id in self.offered:
            return False
        await asyncio.to_thread(self.tracker.interrupted, tenant_id, lost)
        release_agent(tenant_id, user_id)
        return hold_agent(tenant_id, user_id)

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), self.tick)
            except asyncio.TimeoutError:
                pass
            for endpoint, owner in list(self.ready.items()):
                if not agent_busy(*owner):
                    await self.dial_for(endpoint, owner)
            for tenant_id in sorted({tenant for tenant, _ in self.ready.values()}):
                await self._pace(tenant_id)

    async def _pace(self, tenant_id: int) -> None:
        """The tenant's predictive campaigns (services/voice/predictive.py)."""
        try:
            await self.pacer.pace(tenant_id)
        except Exception:
            log.exception("predictive pacing of tenant %s", tenant_id)

    def stop(self) -> None:
        self._stop.set()

