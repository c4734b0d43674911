"""Inbound calls in the pbx bridge (UC-VO-02): from the caller joining a queue to the agent's qualification.

Invariant: one `interaction` row per inbound call (channel VOIX, direction IN), written when the caller
joins a tenant's queue and keyed by the caller channel's Uniqueid (`provider_id`), so a second queue of
the same call reuses it; its timestamps are what the reports read (queued = joined, answered, ended;
ended without an answer = abandoned).

Process, from the AMI events a real Asterisk 22 sends (shared/notes/ami-traces 08, 09, 09b):
1. Newchannel of a carrier call: its Exten is the DID dialled (for the DID's routed campaign);
2. QueueCallerJoin `<slug>-<queue>`: the tenant from the queue's name, the caller identified among the
   tenant's contacts by number (ANI: the campaign's lists first), the interaction written; the call is
   listed in the tenant's waiting calls, pushed live to supervisors;
3. AgentCalled (before the agent answers): the interaction is the agent's (RINGING) and the screen pop
   goes to the agent's panel by the same live path as the dialer's calls;
4. AgentRingNoAnswer: that agent's pop is withdrawn (the queue rings someone else);
5. AgentConnect -> ANSWERED; AgentComplete -> ENDED: the agent qualifies it in the post-call form;
6. QueueCallerAbandon -> ENDED without an answer (outcome « abandoned »; Asterisk says so for a timeout
   too); QueueCallerLeave -> no longer waiting.
VIP: a caller the campaign's VIP field marks (voice slot `vip_field`: "oui", "yes", "1"...) is moved ahead
of every other caller as soon as they join (QueueChangePriorityCaller, Immediate: the traces' 09b
priority 10).
Saturation (services/voice/ivr_dialplan.py `saturation_lines`): after the campaign's maximum wait, or at
once when no agent of the queue is logged in, the caller chooses: UserEvent `Voicemail` (the message is
recorded as `vm-<Uniqueid>.wav` in the monitor folder; at the caller's Hangup it joins the tenant's
recordings, linked to the call, outcome « voicemail »: a task of the campaign) or UserEvent
`CallbackRequest` (outcome « callback »; an outbound attempt of the campaign, due since the caller first
waited so it keeps their turn, that the dialer gives to the next free agent: services/voice/dialer.py).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from sqlalchemy import select

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.infra.redis import get_redis
from services.live import publish, supervision_topic, user_topic
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import Channel, Direction, Interaction, InteractionStatus as I
from services.models.platform import Tenant
from services.models.settings import PhoneNumber
from services.voice.gateway import endpoint_of
from services.voice.ivr import campaign_of_queue

log = logging.getLogger("inbound")
WAITING = "bgc:inbound:waiting:{tenant_id}"       # caller Uniqueid -> the waiting call (JSON)
ANSWERED, ABANDONED, VOICEMAIL, CALLBACK = "answered", "abandoned", "voicemail", "callback"
LABELS = {ANSWERED: "Répondu", ABANDONED: "Abandon", VOICEMAIL: "Message vocal", CALLBACK: "Rappel demandé"}
VIP_PRIORITY = 10
YES = {"oui", "o", "yes", "y", "true", "vrai", "1", "x", "vip"}


@dataclass
class InboundCall:
    tenant_id: int
    interaction_id: int
    phone: str
    queue: str
    campaign_name: str = ""
    agent_endpoint: str = ""
    agent_id: int | None = None
    answered: bool = False
    over: bool = False
    vip: bool = False


def queue_tenant_slug(queue: str) -> str:
    """'acme-sales' -> 'acme'; 'acme-campaign-12' -> 'acme'."""
    if "-campaign-" in queue:
        return queue.rpartition("-campaign-")[0]
    return queue.rpartition("-")[0]


def tenant_id_of(slug: str) -> int | None:
    with platform_session() as s:
        return s.execute(select(Tenant.id).where(Tenant.slug == slug)).scalar()


def find_caller(tenant_id: int, phone: str, campaign_id: int | None) -> ContactRecord | None:
    """ANI lookup: the tenant's contact with this number, in the campaign's lists first, newest first."""
    with tenant_session(system_context(tenant_id)) as s:
        lists = []
        if campaign_id and (campaign := s.get(Campaign, campaign_id)):
            lists = campaign.config.get("lists") or []
        query = select(ContactRecord).where(ContactRecord.telephone == phone).order_by(ContactRecord.id.desc())
        found = s.execute(query.where(ContactRecord.list_id.in_(lists)).limit(1)).scalars().first() if lists else None
        return found or s.execute(query.limit(1)).scalars().first()


def is_vip(config: dict, contact: ContactRecord | None) -> bool:
    """The campaign's VIP field (voice slot `vip_field`) says yes for this contact."""
    from services.voice.screen_pop import contact_values
    field = (config or {}).get("channels", {}).get("voice", {}).get("vip_field") or ""
    if not field or contact is None:
        return False
    return contact_values(contact).get(field, "").strip().lower() in YES


def open_inbound(tenant_id: int, uniqueid: str, phone: str, queue: str, did: str) -> InboundCall:
    """The call's interaction (written once per caller channel), with its campaign and identified contact."""
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as s:
        campaign_id = campaign_of_queue(queue.removeprefix(f"{ctx.tenant_slug}-"))
        if campaign_id is None and did:
            campaign_id = s.execute(select(PhoneNumber.route_campaign_id).where(PhoneNumber.number == did)).scalar()
        campaign = s.get(Campaign, campaign_id) if campaign_id else None
    contact = find_caller(tenant_id, phone, campaign.id if campaign else None)
    now = utcnow()
    with tenant_session(ctx) as s:
        row = s.execute(select(Interaction).where(Interaction.direction == Direction.IN.value,
                                                  Interaction.provider == "asterisk",
                                                  Interaction.provider_id == uniqueid)).scalars().first()
        if row is None:
            row = Interaction(channel=Channel.VOIX.value, direction=Direction.IN.value, status=I.QUEUED.value,
                              campaign_id=campaign.id if campaign else None,
                              campaign_version=campaign.version if campaign else None,
                              contact_id=contact.id if contact else None, list_id=contact.list_id if contact else None,
                              address=phone, sender=did, slot="voice", provider="asterisk", provider_id=uniqueid,
                              queued_at=now, next_try_at=now, updated_at=now, form_answers={})
            s.add(row)
            s.commit()
            s.refresh(row)
    return InboundCall(tenant_id, row.id, phone, queue, campaign.name if campaign else "",
                       vip=is_vip(campaign.config if campaign else {}, contact))


def update_inbound(tenant_id: int, interaction_id: int, **values) -> None:
    with tenant_session(system_context(tenant_id)) as s:
        row = s.get(Interaction, interaction_id, with_for_update=True)
        if row is None or row.status in (I.WRAPPED_UP.value,):
            return
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        s.add(row)
        s.commit()


def waiting_calls(ctx: AuthContext) -> list[dict]:
    """The tenant's callers waiting in a queue now, longest wait first (supervision)."""
    access_area(ctx, "supervision")
    raw = get_redis().hvals(WAITING.format(tenant_id=ctx.tenant_id))
    return sorted((json.loads(v) for v in raw), key=lambda c: c["since"])


class InboundTracker:
    """Follows inbound calls on the raw AMI stream; `owner(endpoint)` -> (tenant, user) or None;
    `on_known(endpoint)`: the agent's call (campaign, caller) is known, for the supervisor's card;
    `dialled(message)`: the message is about a call the dialer placed (a predictive customer joins the
    campaign's queue too, but it is an outbound touch, already recorded); `prioritize(queue, channel,
    priority)`: the PBX moves a waiting caller ahead (a VIP)."""

    def __init__(self, owner: Callable[[str], tuple[int, int] | None],
                 on_known: Callable[[str], None] = lambda endpoint: None,
                 dialled: Callable[[dict], bool] = lambda message: False,
                 prioritize: Callable[[str, str, int], Awaitable] | None = None) -> None:
        self.owner, self.on_known, self.dialled, self.prioritize = owner, on_known, dialled, prioritize
        self.calls: dict[str, InboundCall] = {}        # caller Uniqueid -> call
        self.dids: dict[str, str] = {}                 # caller Uniqueid -> DID dialled
        self._left: dict[str, InboundCall] = {}        # abandoned, until their QueueCallerLeave
        self.unanswered: dict[str, InboundCall] = {}   # left a queue unanswered, until their Hangup (saturation)
        self.voicemails: dict[str, InboundCall | None] = {}   # recording a message, until their Hangup
        self._work: asyncio.Queue = asyncio.Queue()

    def call_of(self, endpoint: str) -> InboundCall | None:
        """The inbound call the agent on `endpoint` is in (the supervisor's card)."""
        return next((c for c in self.calls.values() if c.agent_endpoint == endpoint and not c.over), None)

    def on_ami(self, message) -> None:
        kind, uniqueid = message.get("Event"), message.get("Uniqueid", "")
        if kind == "Newchannel" and message.get("Context", "").endswith("from-carrier"):
            self.dids[uniqueid] = message.get("Exten", "")
        elif kind == "Hangup":
            self.dids.pop(uniqueid, None)
            self.unanswered.pop(uniqueid, None)
            if uniqueid in self.voicemails:
                self._work.put_nowait(("VoicemailSaved", {"Uniqueid": uniqueid}))
        elif kind == "UserEvent" and message.get("UserEvent") in ("Voicemail", "CallbackRequest"):
            if message.get("UserEvent") == "Voicemail":
                self.voicemails[uniqueid] = None          # its Hangup may come before the job runs
            self._work.put_nowait((message.get("UserEvent"), dict(message.items())))
        elif kind in ("QueueCallerJoin", "AgentCalled", "AgentRingNoAnswer", "AgentConnect", "AgentComplete",
                      "QueueCallerAbandon", "QueueCallerLeave") and not self.dialled(message):
            self._work.put_nowait((kind, dict(message.items()) if hasattr(message, "items") else message))

    async def run(self) -> None:
        while True:
            kind, message = await self._work.get()
            try:
                await getattr(self, f"_{kind}")(message)
            except Exception:
                log.exception("inbound %s", kind)

    # ---- jobs, in the order of the events ----
    async def _QueueCallerJoin(self, m: dict) -> None:
        uniqueid, queue = m.get("Uniqueid", ""), m.get("Queue", "")
        tenant_id = await asyncio.to_thread(tenant_id_of, queue_tenant_slug(queue))
        if tenant_id is None:
            return
        phone = m.get("CallerIDNum", "")
        call = self.calls.get(uniqueid) or await asyncio.to_thread(
            open_inbound, tenant_id, uniqueid, phone, queue, self.dids.get(uniqueid, ""))
        call.queue = queue
        self.calls[uniqueid] = call
        get_redis().hset(WAITING.format(tenant_id=tenant_id), uniqueid, json.dumps(
            {"uniqueid": uniqueid, "queue": queue, "phone": phone, "campaign": call.campaign_name,
             "since": time.time(), "vip": call.vip}))
        self._waiting_changed(tenant_id)
        if call.vip and self.prioritize:
            try:
                await self.prioritize(queue, m.get("Channel", ""), VIP_PRIORITY)
            except Exception as error:            # the caller left meanwhile
                log.info("VIP %s not moved ahead: %s", phone, error)

    async def _AgentCalled(self, m: dict) -> None:
        call = self.calls.get(m.get("Uniqueid", ""))
        endpoint = endpoint_of(m.get("Interface", ""))
        owner = self.owner(endpoint)
        if call is None or owner is None or owner[0] != call.tenant_id:
            return
        from services.voice.screen_pop import screen_pop
        call.agent_endpoint, call.agent_id = endpoint, owner[1]
        await asyncio.to_thread(update_inbound, call.tenant_id, call.interaction_id, agent_id=owner[1],
                                status=I.RINGING.value, ringing_at=utcnow())
        pop = await asyncio.to_thread(screen_pop, call.tenant_id, call.interaction_id)
        publish(user_topic(call.tenant_id, owner[1]), "call", phase="ringing", **pop)
        self.on_known(endpoint)

    async def _AgentRingNoAnswer(self, m: dict) -> None:
        call = self.calls.get(m.get("Uniqueid", ""))
        if call and call.agent_id and not call.answered:
            publish(user_topic(call.tenant_id, call.agent_id), "call", phase="ended",
                    interaction_id=call.interaction_id, outcome="", answered=False, label="Appel parti vers un collègue")
            call.agent_endpoint, call.agent_id = "", None

    async def _AgentConnect(self, m: dict) -> None:
        call = self.calls.get(m.get("Uniqueid", ""))
        if call is None or call.agent_id is None:
            return
        call.answered = True
        await asyncio.to_thread(update_inbound, call.tenant_id, call.interaction_id, status=I.ANSWERED.value,
                                answered_at=utcnow())
        publish(user_topic(call.tenant_id, call.agent_id), "call", phase="answered", interaction_id=call.interaction_id)
        self.on_known(call.agent_endpoint)

    async def _AgentComplete(self, m: dict) -> None:
        call = self.calls.pop(m.get("Uniqueid", ""), None)
        if call is None or call.agent_id is None:
            return
        call.over = True
        await asyncio.to_thread(update_inbound, call.tenant_id, call.interaction_id, status=I.ENDED.value,
                                ended_at=utcnow(), outcome=ANSWERED)
        publish(user_topic(call.tenant_id, call.agent_id), "call", phase="ended", interaction_id=call.interaction_id,
                outcome=ANSWERED, answered=True, label=LABELS[ANSWERED])

    async def _QueueCallerAbandon(self, m: dict) -> None:
        call = self.calls.pop(m.get("Uniqueid", ""), None)
        if call is None or call.answered:
            return
        call.over = True
        self._left[m.get("Uniqueid", "")] = call          # its QueueCallerLeave comes next
        await asyncio.to_thread(update_inbound, call.tenant_id, call.interaction_id, status=I.ENDED.value,
                                ended_at=utcnow(), outcome=ABANDONED, agent_id=None)
        if call.agent_id:
            await self._AgentRingNoAnswer(m)

    async def _QueueCallerLeave(self, m: dict) -> None:
        """Answered (before AgentConnect), abandoned (after QueueCallerAbandon) or timed out: not waiting."""
        uniqueid = m.get("Uniqueid", "")
        call = self.calls.get(uniqueid) or self._left.pop(uniqueid, None)
        if call is None:
            return
        if not call.answered:
            self.unanswered[uniqueid] = call
        get_redis().hdel(WAITING.format(tenant_id=call.tenant_id), uniqueid)
        self._waiting_changed(call.tenant_id)

    # ---- saturation: a message or a callback ----------------------------------------------------------
    async def _saturated_call(self, m: dict) -> InboundCall | None:
        """The call a saturation choice is about: it waited in the queue, or never joined (nobody logged in)."""
        uniqueid, queue = m.get("Uniqueid", ""), m.get("Queue", "")
        call = self.unanswered.get(uniqueid) or self.calls.get(uniqueid)
        if call is None:
            tenant_id = await asyncio.to_thread(tenant_id_of, queue_tenant_slug(queue))
            if tenant_id is None:
                return None
            call = await asyncio.to_thread(open_inbound, tenant_id, uniqueid, m.get("CallerIDNum", ""),
                                           queue, self.dids.get(uniqueid, ""))
        return call

    async def _Voicemail(self, m: dict) -> None:
        call = await self._saturated_call(m)
        if call is None:
            return
        self.voicemails[m.get("Uniqueid", "")] = call
        await asyncio.to_thread(update_inbound, call.tenant_id, call.interaction_id, status=I.ENDED.value,
                                ended_at=utcnow(), outcome=VOICEMAIL, agent_id=None)

    async def _VoicemailSaved(self, m: dict) -> None:
        """The caller hung up: their message joins the tenant's recordings, linked to the call."""
        from services.voice.recordings import keep
        call = self.voicemails.pop(m["Uniqueid"], None)
        if call and await asyncio.to_thread(keep, call.tenant_id, call.interaction_id, m["Uniqueid"], prefix="vm"):
            publish(supervision_topic(call.tenant_id), "voicemail", interaction_id=call.interaction_id,
                    phone=call.phone, campaign=call.campaign_name)

    async def _CallbackRequest(self, m: dict) -> None:
        from services.voice.dialer import request_callback
        call = await self._saturated_call(m)
        if call is None:
            return
        await asyncio.to_thread(update_inbound, call.tenant_id, call.interaction_id, status=I.ENDED.value,
                                ended_at=utcnow(), outcome=CALLBACK, agent_id=None)
        if await asyncio.to_thread(request_callback, call.tenant_id, call.interaction_id):
            publish(supervision_topic(call.tenant_id), "callback", interaction_id=call.interaction_id,
                    phone=call.phone, campaign=call.campaign_name)

    def _waiting_changed(self, tenant_id: int) -> None:
        calls = sorted((json.loads(v) for v in get_redis().hvals(WAITING.format(tenant_id=tenant_id))),
                       key=lambda c: c["since"])
        publish(supervision_topic(tenant_id), "queue_waiting", calls=calls)
