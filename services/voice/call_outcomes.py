"""What became of a dialled call, read from what Asterisk says on AMI (shared/notes/ami-traces 02-07b, 15).

The dialer names each call by its Uniqueid (bgc-call-<tenant>-<interaction>); the agent-first leg keeps
it, the customer leg it dials carries it as Linkedid. The signals, in the order a real Asterisk 22 gives:
- Newstate Ringing of the agent's channel -> the screen pop (RINGING, ringing_at);
- Newstate Up of the other leg of the call (the customer in agent-first, the agent after AMD) -> ANSWERED;
- UserEvent CallResult (DialStatus, HangupCause) at the end of t-<slug>-outbound-agent-first, or
  UserEvent AMDResult (Status MACHINE/HUMAN) in t-<slug>-amd-outbound, or UserEvent PredictiveResult
  (no agent within the wait: an abandon) in t-<slug>-predictive, where AgentCalled names the agent;
- OriginateResponse Failure (Reason 0/3, by ActionID) when the first leg never answered;
- Hangup of the call's own channel (Cause) -> the call is over: it is settled once.

`outcome_of` is the pure rule from those facts to an outcome; `settle` applies it to the interaction:
answered -> ENDED and rated per started minute (a "voice_minute" usage line in the Smart Wallet);
invalid / unallocated -> FAILED « Erreur Télécom », never retried; busy -> due again after the
campaign's 15 or 30 minutes; no answer and congestion -> retried after the campaign's delay up to its
maximum of attempts; answering machine -> recycled the same way; an agent who did not pick up -> the
contact is due again at once. A call that fails for good (invalid number, last attempt unanswered)
queues the campaign's fallback slot (services/messaging/fallback.py).
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from services.billing.destinations import minute_price
from services.billing.wallet import InsufficientBalance, WalletError, debit_wallet, wallet_of
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.live import publish, user_topic
from services.messaging.fallback import queue_fallback_of
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import FailureClass, Interaction, InteractionStatus
from services.voice.recordings import keep
from services.voice.dialer import PlannedCall, release_agent, requeue, schedule_attempt, voice_settings

log = logging.getLogger("call-outcomes")
I = InteractionStatus

ANSWERED, BUSY, INVALID, NO_ANSWER, CONGESTION, MACHINE, AGENT_UNREACHABLE, ABANDONED = (
    "answered", "busy", "invalid", "no-answer", "congestion", "machine", "agent-unreachable", "abandoned")
TELECOM_ERROR = "Erreur Télécom"
INTERRUPTED_REASON = "Appel interrompu : le suivi de l'appel a été perdu (redémarrage)."
AWAY = "Appel non décroché"              # the pause reason of an agent whose phone did not answer
OUTCOME_LABELS = {ANSWERED: "Répondu", BUSY: "Occupé", INVALID: TELECOM_ERROR, NO_ANSWER: "Pas de réponse",
                  CONGESTION: "Réseau saturé", MACHINE: "Répondeur", AGENT_UNREACHABLE: "Agent injoignable",
                  ABANDONED: "Abandon : aucun agent libre"}
INVALID_CAUSES = {1, 3, 22, 28}          # unallocated number, no route, number changed, invalid format
CONGESTION_CAUSES = {34, 38, 41, 42, 44}
NO_ANSWER_CAUSES = {0, 18, 19, 21}


@dataclass
class CallFacts:
    """What the PBX said about one call so far."""
    call: PlannedCall
    endpoint: str
    rang: bool = False
    answered_at: datetime | None = None
    dial_status: str = ""         # CallResult DialStatus
    result_cause: int | None = None
    amd: str = ""                 # AMDResult Status
    abandoned: bool = False       # PredictiveResult: the customer answered, no agent came
    hangup_cause: int | None = None
    originate_failed: bool = False
    settled: bool = field(default=False)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def outcome_of(facts: CallFacts) -> str:
    """The outcome of a finished call from the PBX's facts (pure)."""
    if facts.answered_at is not None:
        return ANSWERED
    if facts.amd == "MACHINE":
        return MACHINE
    if facts.abandoned:
        return ABANDONED
    status, cause = facts.dial_status, facts.result_cause
    if not status:                       # no CallResult: the first leg never got to the dial
        if not facts.call.customer_first:
            return AGENT_UNREACHABLE
        cause = facts.hangup_cause       # customer first: the customer's own hang-up cause says it
        if facts.amd == "HUMAN" or cause == 16:     # answered, then no agent took the customer
            return ABANDONED if facts.call.predictive else AGENT_UNREACHABLE
    if status == "BUSY" or cause == 17:
        return BUSY
    if cause in INVALID_CAUSES:
        return INVALID
    if status == "CONGESTION" or cause in CONGESTION_CAUSES or status == "CHANUNAVAIL":
        return CONGESTION
    return NO_ANSWER


# ---- applying an outcome to the interaction ---------------------------------------------------------
def rate(tenant_id: int, interaction: Interaction, seconds: float) -> tuple[int, str]:
    """Debit the call per started minute at its destination's price (services/billing/destinations.py);
    (amount, currency), (0, "") when nothing could be taken."""
    minutes = max(1, int(-(-seconds // 60)))
    wallet = wallet_of(tenant_id)
    if wallet is None:
        return 0, ""
    unit, destination = minute_price(wallet.currency, interaction.address)
    amount = unit * minutes
    if amount <= 0:
        return 0, wallet.currency
    try:
        debit_wallet(tenant_id, amount, kind="voice_minute", quantity=minutes,
                     reference=f"call-{tenant_id}-{interaction.id}",
                     description=f"Appel {interaction.address}, {destination.label} ({minutes} min)")
    except (InsufficientBalance, WalletError) as error:
        log.warning("call %s not rated: %s", interaction.id, error)
        return 0, wallet.currency
    return amount, wallet.currency


def settle(tenant_id: int, interaction_id: int, outcome: str, answered_at: datetime | None,
           now: datetime | None = None) -> Interaction | None:
    """Record the outcome once (a row already past RINGING/ANSWERED is left alone); plan what comes next."""
    now = now or utcnow()
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        row = session.get(Interaction, interaction_id, with_for_update=True)
        if row is None or row.status not in (I.SENDING.value, I.RINGING.value, I.ANSWERED.value):
            return None
        campaign = session.get(Campaign, row.campaign_id) if row.campaign_id else None
        settings = voice_settings(campaign.config if campaign else {})
        row.outcome, row.ended_at, row.updated_at = outcome, now, now
        if outcome == ANSWERED:   # rated before the row says ENDED (the debit is idempotent by reference)
            row.status, row.answered_at = I.ENDED.value, row.answered_at or answered_at
            row.cost_amount, row.cost_currency = rate(tenant_id, row, (now - (row.answered_at or now)).total_seconds())
        elif outcome in (INVALID, AGENT_UNREACHABLE):
            row.status, row.failed_at = I.FAILED.value, now
            row.failure_class = FailureClass.PERMANENT.value if outcome == INVALID else FailureClass.TRANSIENT.value
            row.failure_reason = TELECOM_ERROR if outcome == INVALID else "L'agent n'a pas décroché."
        else:
            row.status = I.ENDED.value
        session.add(row)
        session.commit()
        session.refresh(row)
    if outcome == AGENT_UNREACHABLE:
        schedule_attempt(tenant_id, row, now)
    elif outcome == INVALID:
        queue_fallback_of(tenant_id, row.id)   # the campaign's fallback slot, if any
    elif outcome != ANSWERED:
        _retry(tenant_id, row, outcome, settings, now)
    return row


def _retry(tenant_id: int, row: Interaction, outcome: str, settings: dict, now: datetime) -> None:
    if row.step + 1 >= settings["max_attempts"]:
        _note(tenant_id, row.id, f"{OUTCOME_LABELS[outcome]} : nombre maximal de tentatives atteint.")
        queue_fallback_of(tenant_id, row.id)
        return
    minutes = settings["busy_retry_minutes"] if outcome == BUSY else settings["retry_minutes"]
    due = now + timedelta(minutes=minutes)
    schedule_attempt(tenant_id, row, due, reason=f"{OUTCOME_LABELS[outcome]} : nouvel essai prévu.")


def _note(tenant_id: int, interaction_id: int, reason: str) -> None:
    with tenant_session(system_context(tenant_id)) as session:
        row = session.get(Interaction, interaction_id)
        row.failure_reason = reason
        session.add(row)
        session.commit()


def mark(tenant_id: int, interaction_id: int, status: InteractionStatus, at: datetime) -> None:
    """RINGING or ANSWERED with its timestamp (never backwards)."""
    allowed = {I.RINGING: (I.SENDING.value,), I.ANSWERED: (I.SENDING.value, I.RINGING.value)}[status]
    stamp = "ringing_at" if status == I.RINGING else "answered_at"
    with tenant_session(system_context(tenant_id)) as session:
        row = session.get(Interaction, interaction_id, with_for_update=True)
        if row is None or row.status not in allowed:
            return
        row.status, row.updated_at = status.value, at
        setattr(row, stamp, at)
        session.add(row)
        session.commit()


def assign_agent(tenant_id: int, interaction_id: int, agent_id: int) -> None:
    """A predictive call's agent, once the queue rings them."""
    with tenant_session(system_context(tenant_id)) as session:
        row = session.get(Interaction, interaction_id, with_for_update=True)
        if row is not None and row.status in (I.SENDING.value, I.RINGING.value):
            row.agent_id, row.updated_at = agent_id, utcnow()
            session.add(row)
            session.commit()


def give_back(call: PlannedCall) -> None:
    """An attempt that was never dialled (the PBX refused the Originate): due again at once."""
    requeue(system_context(call.tenant_id), call.interaction_id, utcnow())


def interrupted(tenant_id: int, interaction_id: int) -> None:
    """A call lost with the bridge that followed it: closed as INTERRUPTED; unanswered, the contact is due again."""
    now = utcnow()
    with tenant_session(system_context(tenant_id)) as session:
        row = session.get(Interaction, interaction_id, with_for_update=True)
        if row is None or row.status not in (I.SENDING.value, I.RINGING.value, I.ANSWERED.value):
            return
        row.status, row.failed_at, row.ended_at, row.updated_at = I.FAILED.value, now, now, now
        row.failure_class, row.failure_reason = FailureClass.INTERRUPTED.value, INTERRUPTED_REASON
        session.add(row)
        session.commit()
        session.refresh(row)
    if not row.answered_at:
        schedule_attempt(tenant_id, row, now)


# ---- the tracker inside the pbx bridge ------------------------------------------------------------
class CallTracker:
    """Follows the dialer's calls on the raw AMI stream. Database work runs in order, off the event loop;
    `on_over(endpoint, outcome)` tells the bridge when an agent's call is over."""

    def __init__(self, on_over: Callable[[str, str], None] = lambda endpoint, outcome: None,
                 failure_grace: float = 1.0,
                 owner: Callable[[str], tuple[int, int] | None] = lambda endpoint: None) -> None:
        self.calls: dict[str, CallFacts] = {}
        self.on_over, self.failure_grace, self.owner = on_over, failure_grace, owner
        self._work: asyncio.Queue = asyncio.Queue()

    def expect(self, call: PlannedCall, endpoint: str) -> None:
        self.calls[call.channel_id] = CallFacts(call, endpoint)

    def give_back(self, call: PlannedCall) -> None:
        self.calls.pop(call.channel_id, None)
        give_back(call)

    def call_of(self, endpoint: str) -> PlannedCall | None:
        """The dialer's call the agent on `endpoint` is in, if any (for the supervisor's card)."""
        return next((f.call for f in self.calls.values() if f.endpoint == endpoint and not f.settled), None)

    def interrupted(self, tenant_id: int, interaction_id: int) -> None:
        interrupted(tenant_id, interaction_id)

    def owns(self, message) -> bool:
        """The message is about one of the dialer's calls (e.g. a predictive customer in a queue)."""
        return self._find(message)[0] is not None

    def _find(self, message) -> tuple[CallFacts | None, bool]:
        """(the call this message is about, whether it is the call's own channel)."""
        uniqueid, linkedid = message.get("Uniqueid", ""), message.get("Linkedid", "")
        if uniqueid in self.calls:
            return self.calls[uniqueid], True
        if linkedid in self.calls:
            return self.calls[linkedid], False
        return None, False

    def on_ami(self, message) -> None:
        kind = message.get("Event")
        if kind == "OriginateResponse":
            facts = self.calls.get(message.get("ActionID", ""))
            if facts and message.get("Response") == "Failure":
                facts.originate_failed = True
                asyncio.get_running_loop().call_later(self.failure_grace, self._finish, facts)
            return
        if kind not in ("Newstate", "UserEvent", "Hangup", "AgentCalled"):
            return
        facts, own = self._find(message)
        if facts is None or facts.settled:
            return
        if kind == "AgentCalled":             # predictive: the queue rings this agent for our customer
            if own and facts.call.predictive and facts.answered_at is None:
                self._agent_called(facts, message.get("Interface", "").removeprefix("PJSIP/"))
            return
        if kind == "Newstate":
            state, channel = message.get("ChannelStateDesc"), message.get("Channel", "")
            if state == "Ringing" and channel.startswith(f"PJSIP/{facts.endpoint}-") and not facts.rang:
                facts.rang = True
                self._queue(self._ringing, facts)
            elif state == "Up" and not own and facts.answered_at is None:
                facts.answered_at = utcnow()
                self._queue(self._answered, facts)
        elif kind == "UserEvent" and own:
            if message.get("UserEvent") == "CallResult":
                facts.dial_status = message.get("DialStatus", "")
                facts.result_cause = _int(message.get("HangupCause"))
            elif message.get("UserEvent") == "AMDResult":
                facts.amd = message.get("Status", "")
            elif message.get("UserEvent") == "PredictiveResult":
                facts.abandoned = True
        elif kind == "Hangup" and own:
            facts.hangup_cause = _int(message.get("Cause"))
            self._finish(facts)

    def _agent_called(self, facts: CallFacts, endpoint: str) -> None:
        owner = self.owner(endpoint)
        if owner is None or owner[0] != facts.call.tenant_id:
            return
        facts.endpoint, facts.rang = endpoint, False
        facts.call = dataclasses.replace(facts.call, agent_id=owner[1])
        self._queue(self._assigned, facts)

    def _finish(self, facts: CallFacts) -> None:
        if facts.settled:
            return
        facts.settled = True          # followed until the agent is released (see Dialer._forget_lost_call)
        self._queue(self._over, facts)

    def _queue(self, job, facts: CallFacts) -> None:
        self._work.put_nowait((job, facts))

    async def run(self) -> None:
        while True:
            job, facts = await self._work.get()
            try:
                await job(facts)
            except Exception:
                log.exception("call %s", facts.call.channel_id)

    # ---- jobs ----
    async def _ringing(self, facts: CallFacts) -> None:
        from services.voice.screen_pop import screen_pop
        call = facts.call
        await asyncio.to_thread(mark, call.tenant_id, call.interaction_id, I.RINGING, utcnow())
        pop = await asyncio.to_thread(screen_pop, call.tenant_id, call.interaction_id)
        publish(user_topic(call.tenant_id, call.agent_id), "call", phase="ringing", **pop)

    async def _assigned(self, facts: CallFacts) -> None:
        call = facts.call
        await asyncio.to_thread(assign_agent, call.tenant_id, call.interaction_id, call.agent_id)

    async def _answered(self, facts: CallFacts) -> None:
        call = facts.call
        await asyncio.to_thread(mark, call.tenant_id, call.interaction_id, I.ANSWERED, facts.answered_at)
        publish(user_topic(call.tenant_id, call.agent_id), "call", phase="answered",
                interaction_id=call.interaction_id)

    async def _over(self, facts: CallFacts) -> None:
        call, outcome = facts.call, outcome_of(facts)
        log.info("call %s over: %s (%s)", call.channel_id, outcome, facts)
        await asyncio.to_thread(settle, call.tenant_id, call.interaction_id, outcome, facts.answered_at)
        await asyncio.to_thread(keep, call.tenant_id, call.interaction_id, call.channel_id, outcome == ANSWERED)
        if not call.predictive:          # a predictive call never held its agent
            release_agent(call.tenant_id, call.agent_id)
        self.calls.pop(call.channel_id, None)
        if facts.rang or outcome == ANSWERED:
            publish(user_topic(call.tenant_id, call.agent_id), "call", phase="ended",
                    interaction_id=call.interaction_id, outcome=outcome, answered=outcome == ANSWERED,
                    label=OUTCOME_LABELS[outcome])
        self.on_over(facts.endpoint, outcome)

