"""The sending engine: campaign attempts (interaction rows, status QUEUED) to the providers.

Invariant: every attempt reaches its provider at most once, and none is lost: each ends in a
final state (sent and onwards, FAILED or CANCELLED with its reason) or waits visibly
(QUEUED with `next_try_at` and the reason it waits).

Process of one attempt, each step committed before the next:
1. claim — one UPDATE over `FOR UPDATE SKIP LOCKED` moves a batch QUEUED → SENDING and
   stamps it with this worker's lock key (`claimed_by`); no other worker can take it.
2. re-check at send time — the campaign is still LIVE (else back to QUEUED, untouched), the
   contact is not blacklisted (→ CANCELLED), the time band is open in the campaign's zone
   and, when asked, the contact's own (→ QUEUED for later), the tenant's frequency cap for
   the channel is not reached (→ QUEUED for later).
3. personalise — a {Variable} without value is this contact's error (→ FAILED).
4. reserve the cost — a Smart Wallet debit whose reference is the attempt, so a retry or a
   resend after a crash is charged once; an empty wallet pauses the campaign with its reason
   (the attempt goes back to QUEUED; the balance never goes below zero).
5. in flight — the personalised body and `sending_at` are written: from here the provider
   may have the message, and only reconciliation (services/messaging/reconcile.py) may
   decide to send it again, after looking it up at the provider by our attempt id.
6. provider call with our attempt id, then the provider's id and SENT are recorded (through
   services/messaging/progress.py, so a callback that came first is not undone). A transient
   failure goes back to QUEUED with back-off; a permanent one (or too many tries) is FAILED
   and its reservation refunded.

A worker holds a PostgreSQL advisory lock on its key while it runs; the lock dies with its
connection, which is how reconciliation tells a killed worker's attempts from a live one's.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlmodel import Session

from services.billing.prices import CHANNEL_UNITS, price_list
from services.billing.wallet import InsufficientBalance, credit_wallet, debit_wallet, wallet_of
from services.campaigns.config import (
    email_with_unsubscribe, normalized, plain_text_of,
)
from services.campaigns.sms import sms_length
from services.campaigns.timebands import bands_from_config, is_open
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.identity.system import system_context
from services.messaging.messengers import Outgoing, SendFailed, WIRED_CHANNELS, messenger_for
from services.messaging.personalise import (
    UNSUBSCRIBE_VARIABLE, MissingValue, contact_values, personalise,
)
from services.messaging.progress import advance, provider_status
from services.messaging.rate_limit import bucket_key, reserve, slow_down
from services.messaging.reconcile import worker_lock
from services.messaging.unsubscribe import unsubscribe_url
from services.models.audience import ContactRecord, OptOut
from services.models.campaigns import Campaign, CampaignStatus, FrequencyCap
from services.models.columns import utcnow
from services.models.interactions import (
    Direction, FailureClass, Interaction, InteractionStatus as S,
)
from services.settings import get_settings

log = logging.getLogger("services.messaging.sending")

BATCH_SIZE = 50
MAX_TRIES = 6
RUN_SECONDS = 5  # then the thread goes back to the pool; the next tick starts another run
OUTSIDE_BAND_DELAY = timedelta(minutes=10)
CAP_DELAY = timedelta(hours=1)
CAP_STATUSES = (S.SENDING.value, S.SENT.value, S.DELIVERED.value, S.READ.value,
                S.CLICKED.value)


def backoff(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, ... at most one hour between two tries."""
    return timedelta(seconds=min(30 * 2 ** max(tries - 1, 0), 3600))


@dataclass
class Batch:
    """What the checks of a batch need, read once per batch."""
    campaigns: dict[int, Campaign]
    contacts: dict[int, ContactRecord]
    opted_out: set[str]
    caps: dict[str, FrequencyCap]
    currency: str
    prices: dict[str, int]
    paused: set[int] = field(default_factory=set)


# 1. claim ---------------------------------------------------------------------------------

def claim_batch(ctx: AuthContext, key: int, limit: int = BATCH_SIZE,
                only: int | None = None) -> list[Interaction]:
    """Due attempts of LIVE campaigns, and due conversation replies (an agent's answer goes
    whatever its campaign became); `only`: that one attempt, when due."""
    t, c = Interaction.__table__, Campaign.__table__
    due = (select(t.c.id)
           .where(t.c.status == S.QUEUED.value, t.c.direction == Direction.OUT.value,
                  t.c.channel.in_(WIRED_CHANNELS), t.c.next_try_at <= func.now(),
                  or_(t.c.conversation_id.isnot(None),
                      t.c.campaign_id.in_(select(c.c.id).where(
                          c.c.status == CampaignStatus.LIVE.value))),
                  *([t.c.id == only] if only is not None else []))
           .order_by(t.c.next_try_at, t.c.id).limit(limit)
           .with_for_update(skip_locked=True).cte("due"))
    statement = (update(t).where(t.c.id == due.c.id)
                 .values(status=S.SENDING.value, claimed_by=key, tries=t.c.tries + 1,
                         updated_at=func.now())
                 .returning(*t.c))
    with tenant_session(ctx) as session:
        return [Interaction(**row._mapping) for row in session.execute(statement)]


def _load_batch(session: Session, ctx: AuthContext, attempts: list[Interaction]) -> Batch:
    campaign_ids = {a.campaign_id for a in attempts}
    campaigns = {c.id: c for c in session.execute(
        select(Campaign).where(Campaign.id.in_(campaign_ids))).scalars()}
    contacts = {r.id: r for r in session.execute(select(ContactRecord).where(
        ContactRecord.id.in_([a.contact_id for a in attempts]))).scalars()}
    addresses = {a.address.lower() for a in attempts if a.address}  # replies may have no contact
    phones = {r.telephone for r in contacts.values() if r.telephone} | addresses
    emails = {r.email.lower() for r in contacts.values() if r.email} | addresses
    opted = session.execute(select(OptOut.phone, OptOut.email).where(
        or_(OptOut.phone.in_(phones), OptOut.email.in_(emails)))).all()
    caps = {cap.channel: cap for cap in session.execute(select(FrequencyCap)).scalars()}
    wallet = wallet_of(ctx.tenant_id)
    currency = wallet.currency if wallet else ""
    return Batch(campaigns, contacts, {p or e for p, e in opted}, caps, currency,
                 price_list(currency) if currency else {})


# 2.-6. one attempt ------------------------------------------------------------------------

def _release(ctx: AuthContext, attempt: Interaction, *, after: timedelta | None = None,
             reason: str = "", counts_as_try: bool = False, at: datetime | None = None) -> None:
    """Back to QUEUED (nothing was sent), optionally for later (`after` a delay or `at` an
    instant) and with the reason it waits."""
    with tenant_session(ctx) as s:
        s.execute(update(Interaction).where(Interaction.id == attempt.id,
                                            Interaction.status == S.SENDING.value).values(
            status=S.QUEUED.value, claimed_by=None, failure_reason=reason[:500],
            tries=Interaction.tries - (0 if counts_as_try else 1),
            next_try_at=at or utcnow() + (after or timedelta(0)), updated_at=utcnow()))


def _end(ctx: AuthContext, attempt: Interaction, status: str, failure_class: str,
         reason: str) -> None:
    with tenant_session(ctx) as s:
        advance(s, attempt.id, status, failure_class=failure_class, failure_reason=reason,
                release_claim=True)


def _cap_reached(ctx: AuthContext, attempt: Interaction, cap: FrequencyCap | None) -> bool:
    if cap is None:
        return False
    since = utcnow() - timedelta(days=cap.window_days)
    with tenant_session(ctx) as s:
        count = s.execute(select(func.count()).select_from(Interaction).where(
            Interaction.channel == attempt.channel, Interaction.address == attempt.address,
            Interaction.id != attempt.id, Interaction.status.in_(CAP_STATUSES),
            func.coalesce(Interaction.sent_at, Interaction.sending_at) >= since)).scalar_one()
    return count >= cap.max_contacts


def _is_opted_out(batch: Batch, contact: ContactRecord) -> bool:
    keys = {contact.telephone, contact.email.lower()} - {""}
    return bool(keys & batch.opted_out)


def _compose(config: dict, slot: str, values: dict[str, str]) -> tuple[str, str, str]:
    """(subject, text, html) of the slot for this contact; raises MissingValue."""
    channel = config["channels"][slot]
    if slot == "email":
        html = personalise(email_with_unsubscribe(channel.get("html", "")), values)
        text = personalise(channel.get("text") or plain_text_of(channel.get("html", "")), values)
        return personalise(channel.get("subject", ""), values), text, html
    return "", personalise(channel.get("text", ""), values), ""


def _price(batch: Batch, slot: str, text: str) -> tuple[int, int]:
    """(quantity, amount in minor units): SMS are billed per segment."""
    quantity = max(sms_length(text).segments, 1) if slot == "sms" else 1
    return quantity, quantity * batch.prices.get(CHANNEL_UNITS[slot], 0)


def wallet_reference(ctx: AuthContext, attempt_id: int) -> str:
    return f"interaction:{ctx.tenant_id}:{attempt_id}"


def _is_address_opted_out(batch: Batch, attempt: Interaction) -> bool:
    return attempt.address.lower() in batch.opted_out


def _reply_closed_hours(ctx: AuthContext, attempt: Interaction, now: datetime) -> bool:
    """A conversation reply outside the country preset's hours goes back to wait for them."""
    from services.conversations.hours import next_opening, waiting_reason

    opening = next_opening(attempt.slot, attempt.address, now)
    if opening is None:
        return False
    _release(ctx, attempt, at=opening, reason=waiting_reason(opening))
    return True


def process(ctx: AuthContext, attempt: Interaction, batch: Batch, now: datetime) -> str:
    """Steps 2 to 6 for one claimed attempt; returns what became of it (for logs and tests).

    A conversation reply (an agent's answer, `conversation_id` set) goes through the same
    steps, except that its campaign need not be LIVE, the country preset's sending hours
    stand for the campaign's bands, the frequency cap does not apply (the customer wrote
    first), and its text was personalised when the agent sent it."""
    reply = attempt.conversation_id is not None
    campaign = batch.campaigns.get(attempt.campaign_id)
    if not reply and (campaign is None or campaign.status != CampaignStatus.LIVE.value
                      or campaign.id in batch.paused):
        _release(ctx, attempt)
        return "not-live"
    contact = batch.contacts.get(attempt.contact_id)
    if contact is None and not reply:
        _end(ctx, attempt, S.CANCELLED.value, FailureClass.PERMANENT.value,
             "Contact supprimé avant l'envoi.")
        return "no-contact"
    if (contact is not None and _is_opted_out(batch, contact)) or _is_address_opted_out(
            batch, attempt):
        _end(ctx, attempt, S.CANCELLED.value, FailureClass.BLACKLIST.value,
             "Contact dans la liste noire.")
        return "blacklisted"
    config = normalized(campaign.config) if campaign else {}
    if reply:
        if _reply_closed_hours(ctx, attempt, now):
            return "outside-band"
    else:
        if not is_open(bands_from_config(config), now, contact.telephone):
            _release(ctx, attempt, after=OUTSIDE_BAND_DELAY,
                     reason="En attente : hors des plages horaires de la campagne.")
            return "outside-band"
        cap = batch.caps.get(attempt.channel)
        if _cap_reached(ctx, attempt, cap):
            _release(ctx, attempt, after=CAP_DELAY,
                     reason=f"En attente : plafond de fréquence atteint ({cap.max_contacts} "
                            f"par {cap.window_days} jour(s)).")
            return "capped"
    if reply:
        subject, text, html = "", attempt.body, ""
    else:
        values = contact_values(contact.nom, contact.prenom, contact.telephone, contact.email,
                                contact.identifiant, contact.extra)
        values[UNSUBSCRIBE_VARIABLE] = unsubscribe_url(ctx.tenant_id, attempt.id)
        try:
            subject, text, html = _compose(config, attempt.slot, values)
        except MissingValue as exc:
            _end(ctx, attempt, S.FAILED.value, FailureClass.PERSONALISATION.value, str(exc))
            return "personalisation"
    quantity, amount = _price(batch, attempt.slot, text)
    reference = wallet_reference(ctx, attempt.id)
    label = campaign.name if campaign else "Conversation"
    with tenant_session(ctx) as s:  # 4 + 5: reserved and in flight, in one transaction
        if amount:
            try:
                debit_wallet(ctx.tenant_id, amount, kind=CHANNEL_UNITS[attempt.slot],
                             quantity=quantity, reference=reference,
                             description=f"{label} — {attempt.channel}")
            except InsufficientBalance as exc:
                s.rollback()
                if reply:
                    _release(ctx, attempt, after=OUTSIDE_BAND_DELAY,
                             reason="En attente : Smart Wallet vide.")
                    return "wallet-empty"
                batch.paused.add(campaign.id)
                _release(ctx, attempt, reason="En attente : Smart Wallet vide.")
                from services.campaigns.lifecycle import pause_for_empty_wallet

                pause_for_empty_wallet(ctx, campaign.id, str(exc))
                return "wallet-empty"
        s.execute(update(Interaction).where(Interaction.id == attempt.id).values(
            body=text[:4000], sending_at=func.now(), cost_amount=amount,
            cost_currency=batch.currency,
            campaign_version=campaign.version if campaign else None,
            failure_reason="", updated_at=func.now()))
    outgoing = Outgoing(ctx.tenant_id, attempt.id, attempt.address, attempt.sender, text,
                        subject, html)
    _wait_for_rate_limit(attempt)
    try:
        accepted = messenger_for(attempt.channel, ctx.tenant_id).send(outgoing)
    except SendFailed as exc:
        return _failed(ctx, attempt, exc, amount, reference)
    with tenant_session(ctx) as s:
        advance(s, attempt.id, provider_status(accepted.status), provider=accepted.provider,
                provider_id=accepted.provider_id, release_claim=True)
    return "sent"


def _rate(attempt: Interaction) -> tuple[str, float]:
    """(bucket key, messages per second) of the attempt's provider account and sender."""
    s = get_settings()
    if attempt.channel == "EMAIL":
        return bucket_key("sendgrid", "", attempt.sender), s.email_rate_per_sender
    return bucket_key("twilio", s.twilio_account_sid, attempt.sender), s.sms_rate_per_sender


def _wait_for_rate_limit(attempt: Interaction) -> None:
    """In flight already: waiting here holds one claim, never sends twice."""
    wait = reserve(*_rate(attempt))
    if wait:
        time.sleep(wait)


def _failed(ctx: AuthContext, attempt: Interaction, exc: SendFailed, amount: int,
            reference: str) -> str:
    if exc.code in ("429", "20429"):
        slow_down(*_rate(attempt))
    if not exc.permanent and attempt.tries < MAX_TRIES:
        _release(ctx, attempt, after=backoff(attempt.tries), counts_as_try=True,
                 reason=f"Nouvel essai prévu : {exc.reason}")
        return "retry"
    klass = FailureClass.PERMANENT if exc.permanent else FailureClass.TRANSIENT
    _end(ctx, attempt, S.FAILED.value, klass.value, exc.reason)
    if amount:
        credit_wallet(ctx.tenant_id, amount, kind="refund", reference=f"refund:{reference}",
                      description="Message non envoyé : remboursement")
    return "failed"


def send_one(tenant_id: int, attempt_id: int) -> str:
    """Send this one attempt now if it is due (an agent's answer leaves at once instead of
    waiting for the next worker run); "" when it was not due or another worker has it."""
    ctx = system_context(tenant_id)
    with worker_lock() as key:
        attempts = claim_batch(ctx, key, limit=1, only=attempt_id)
        if not attempts:
            return ""
        with tenant_session(ctx) as session:
            batch = _load_batch(session, ctx, attempts)
        return process(ctx, attempts[0], batch, utcnow())


def send_due(tenant_id: int, run_seconds: float = RUN_SECONDS) -> dict[str, int]:
    """A worker's run for one tenant: claim and send batches until nothing is due."""
    ctx = system_context(tenant_id)
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + run_seconds
    with worker_lock() as key:
        while time.monotonic() < deadline:
            attempts = claim_batch(ctx, key)
            if not attempts:
                break
            with tenant_session(ctx) as session:
                batch = _load_batch(session, ctx, attempts)
            now = utcnow()
            for attempt in attempts:
                outcome = process(ctx, attempt, batch, now)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
