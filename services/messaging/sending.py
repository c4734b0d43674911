"""The sending engine: campaign attempts (interaction rows, status QUEUED) to the providers.

Invariant: every attempt reaches its provider at most once, and none is lost: each ends in a
final state (sent and onwards, FAILED or CANCELLED with its reason) or waits visibly
(QUEUED with `next_try_at` and the reason it waits).

Process of one batch of attempts, each step committed before the next:
1. claim — one UPDATE over `FOR UPDATE SKIP LOCKED` moves a batch QUEUED → SENDING and
   stamps it with this worker's lock key (`claimed_by`); no other worker can take it.
2. re-check at send time, for the whole batch in a few queries — the campaign is still LIVE
   (else back to QUEUED, untouched), the contact is not blacklisted (→ CANCELLED), the time
   band is open in the campaign's zone and, when asked, the contact's own (→ QUEUED for
   later), the tenant's frequency cap for the channel is not reached, counting the batch's
   own earlier attempts (→ QUEUED for later).
3. personalise — a {Variable} without value is this contact's error (→ FAILED).
4. + 5. reserve and in flight, in one transaction — one Smart Wallet debit per attempt whose
   reference is the attempt (one balance UPDATE and one ledger insert for the batch), so a
   retry or a resend after a crash is charged once; the personalised bodies and `sending_at`
   are written in the same transaction: from here the provider may have the message, and
   only reconciliation (services/messaging/reconcile.py) may decide to send it again, after
   looking it up at the provider by our attempt id. What the wallet cannot pay goes back to
   QUEUED and its campaign is paused with the reason (the balance never goes below zero).
   The attempts that will not be sent are settled in the same transaction.
6. provider calls with our attempt id, concurrently (SEND_THREADS per run, one kept-alive
   connection pool per provider), each at its rate-limit turn; then the provider's ids and SENT are
   recorded in one statement that follows services/messaging/progress.py's rule (a callback
   that came first is not undone). A transient failure goes back to QUEUED with back-off; a
   permanent one (or too many tries) is FAILED and its reservation refunded.

A conversation reply (an agent's answer, `conversation_id` set) goes through the same steps,
except that its campaign need not be LIVE, the country preset's sending hours stand for the
campaign's bands, the frequency cap does not apply (the customer wrote first), and its text was
personalised when the agent sent it. A qualification code's message (services/messaging/
qualification_actions.py) goes through every step; only its text is the code's, not the slot's.

A worker holds a PostgreSQL advisory lock on its key while it runs; the lock dies with its
connection, which is how reconciliation tells a killed worker's attempts from a live one's.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlmodel import Session

from services.billing.prices import CHANNEL_UNITS, price_list
from services.billing.wallet import (
    Debit, InsufficientBalance, credit_wallet, debit_many, wallet_of,
)
from services.campaigns.config import (
    email_with_unsubscribe, normalized, plain_text_of,
)
from services.campaigns.sms import sms_length
from services.campaigns.whatsapp_templates import filled
from services.messaging.reply_payload import reply_payloads
from services.campaigns.timebands import TimeBands, bands_from_config, is_open
from services.db.arrays import any_of, none_of, unnested
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.identity.system import system_context
from services.messaging.messengers import (
    UNKNOWN_FATE, Accepted, Outgoing, SendFailed, WIRED_CHANNELS, messenger_for,
)
from services.messaging.personalise import (
    UNSUBSCRIBE_VARIABLE, MissingValue, contact_values, personalise,
)
from services.messaging.qualification_actions import compose_action, is_action
from services.messaging.progress import RANK, STAGE_COLUMN, advance, announce, provider_status
from services.messaging.rate_limit import bucket_key, give_back, reserve, slow_down
from services.messaging.reconcile import orphan_key, worker_lock
from services.messaging.sequencer import BLACKLISTED
from services.messaging.unsubscribe import unsubscribe_url
from services.models.audience import ContactRecord, OptOut
from services.models.campaigns import (
    Campaign, CampaignStatus, FrequencyCap, TemplateStatus, WhatsAppTemplate,
)
from services.models.columns import utcnow
from services.models.interactions import (
    Direction, FailureClass, Interaction, InteractionStatus as S,
)
from services.settings import get_settings

log = logging.getLogger("services.messaging.sending")

BATCH_SIZE = 200
SEND_THREADS = 32  # provider calls in flight (or waiting for their turn) per run
HOLD_SECONDS = 2.0  # an attempt whose rate-limit turn is further away goes back to the queue
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
    contacts: dict[int, ContactRecord]  # read-only rows of the contact table
    opted_out: set[str]
    caps: dict[str, FrequencyCap]
    currency: str
    prices: dict[str, int]
    # (channel, address) -> attempts counting towards the cap, outside this batch
    cap_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    paused: set[int] = field(default_factory=set)
    templates: dict[int, WhatsAppTemplate] = field(default_factory=dict)  # WhatsApp, approved
    # reply attempt -> (template call, attachment) (services/messaging/reply_payload.py)
    reply_payloads: dict[int, tuple] = field(default_factory=dict)


# 1. claim ---------------------------------------------------------------------------------

def sendable():
    """Attempts of LIVE campaigns, and conversation replies whatever their campaign became."""
    t, c = Interaction.__table__, Campaign.__table__
    return (t.c.status == S.QUEUED.value, t.c.direction == Direction.OUT.value,
            t.c.channel.in_(WIRED_CHANNELS),
            or_(t.c.conversation_id.isnot(None),
                t.c.campaign_id.in_(select(c.c.id).where(c.c.status == CampaignStatus.LIVE.value))))


def claim_batch(ctx: AuthContext, key: int, limit: int = BATCH_SIZE,
                only: int | None = None) -> list[Interaction]:
    """Due attempts, as read-only rows of the interaction table; `only`: that one attempt,
    when due."""
    t = Interaction.__table__
    due = (select(t.c.id)
           .where(*sendable(), t.c.next_try_at <= func.now(),
                  *([t.c.id == only] if only is not None else []))
           .order_by(t.c.next_try_at, t.c.id).limit(limit)
           .with_for_update(skip_locked=True).cte("due"))
    statement = (update(t).where(t.c.id == due.c.id)
                 .values(status=S.SENDING.value, claimed_by=key, tries=t.c.tries + 1,
                         updated_at=func.now())
                 .returning(*t.c))
    with tenant_session(ctx) as session:  # rows, read-only: no ORM object per attempt
        rows = list(session.execute(statement))
    return sorted(rows, key=lambda a: (a.next_try_at, a.id))


def _cap_counts(session: Session, attempts: list[Interaction],
                caps: dict[str, FrequencyCap]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    t = Interaction.__table__
    for channel, cap in caps.items():
        addresses = {a.address for a in attempts if a.channel == channel}
        if not addresses:
            continue
        since = utcnow() - timedelta(days=cap.window_days)
        rows = session.execute(select(t.c.address, func.count()).where(
            t.c.channel == channel, any_of(t.c.address, addresses),
            none_of(t.c.id, [a.id for a in attempts]), t.c.status.in_(CAP_STATUSES),
            func.coalesce(t.c.sent_at, t.c.sending_at) >= since).group_by(t.c.address))
        counts.update({(channel, address): n for address, n in rows})
    return counts


def _load_batch(session: Session, ctx: AuthContext, attempts: list[Interaction]) -> Batch:
    campaign_ids = {a.campaign_id for a in attempts}
    campaigns = {c.id: c for c in session.execute(
        select(Campaign).where(any_of(Campaign.id, campaign_ids))).scalars()}
    contacts = {r.id: r for r in session.execute(select(*ContactRecord.__table__.c).where(
        any_of(ContactRecord.id, [a.contact_id for a in attempts])))}
    addresses = {a.address.lower() for a in attempts if a.address}  # replies may have no contact
    phones = {r.telephone for r in contacts.values() if r.telephone} | addresses
    emails = {r.email.lower() for r in contacts.values() if r.email} | addresses
    opted = session.execute(select(OptOut.phone, OptOut.email).where(
        or_(any_of(OptOut.phone, phones), any_of(OptOut.email, emails)))).all()
    caps = {cap.channel: cap for cap in session.execute(select(FrequencyCap)).scalars()}
    wallet = wallet_of(ctx.tenant_id)
    currency = wallet.currency if wallet else ""
    templates = {}
    if any(a.slot == "whatsapp" for a in attempts):
        templates = {t.id: t for t in session.execute(select(WhatsAppTemplate).where(
            WhatsAppTemplate.status == TemplateStatus.APPROVED.value)).scalars()}
    return Batch(campaigns, contacts, {p or e for p, e in opted}, caps, currency,
                 price_list(currency) if currency else {},
                 _cap_counts(session, attempts, caps), templates=templates,
                 reply_payloads=reply_payloads(session, attempts))


# 2.-3. the checks, in memory -------------------------------------------------------------

@dataclass
class Ready:
    """An attempt that passed the checks: what to charge and what to send."""
    attempt: Interaction
    campaign: Campaign | None  # None: a conversation reply outside any campaign
    outgoing: Outgoing
    quantity: int
    amount: int
    send_at: float = 0.0  # its rate-limit turn (time.monotonic)


@dataclass
class Verdicts:
    """What the checks decided for each attempt of the batch."""
    outcomes: dict[int, str] = field(default_factory=dict)
    ready: list[Ready] = field(default_factory=list)
    releases: list[dict] = field(default_factory=list)  # back to QUEUED (nothing sent)
    ends: list[dict] = field(default_factory=list)  # CANCELLED or FAILED (nothing sent)

    def release(self, attempt: Interaction, outcome: str, *, after: timedelta | None = None,
                at: datetime | None = None, reason: str = "", counts_as_try: bool = False) -> None:
        """Back to QUEUED, for later (`after` a delay or `at` an instant), with why it waits."""
        self.outcomes[attempt.id] = outcome
        self.releases.append({"_id": attempt.id, "_reason": reason[:500],
                              "_untry": 0 if counts_as_try else 1,
                              "_next": at or utcnow() + (after or timedelta(0))})

    def end(self, attempt: Interaction, outcome: str, status: str, failure_class: str,
            reason: str) -> None:
        self.outcomes[attempt.id] = outcome
        self.ends.append({"attempt_id": attempt.id, "status": status,
                          "failure_class": failure_class, "failure_reason": reason})


def _is_opted_out(batch: Batch, contact: ContactRecord | None, attempt: Interaction) -> bool:
    keys = {attempt.address.lower()} - {""}
    if contact is not None:
        keys |= {contact.telephone, contact.email.lower()} - {""}
    return bool(keys & batch.opted_out)


class NoTemplate(ValueError):
    """The WhatsApp slot's template is gone or no longer approved by Meta."""


def _compose(config: dict, slot: str, values: dict[str, str],
             templates: dict[int, WhatsAppTemplate]) -> tuple[str, str, str, tuple | None]:
    """(subject, text, html, WhatsApp template call) of the slot for this contact; raises
    MissingValue, or NoTemplate."""
    channel = config["channels"][slot]
    if slot == "whatsapp":
        template = templates.get(channel.get("template_id") or 0)
        if template is None:
            raise NoTemplate("Modèle WhatsApp introuvable ou non approuvé par Meta.")
        text, parameters = filled(template.body, channel.get("variables") or {}, values)
        return "", text, "", (template.name, template.language, parameters)
    if slot == "email":
        html = personalise(email_with_unsubscribe(channel.get("html", "")), values)
        text = personalise(channel.get("text") or plain_text_of(channel.get("html", "")), values)
        return personalise(channel.get("subject", ""), values), text, html, None
    return "", personalise(channel.get("text", ""), values), "", None


def _price(batch: Batch, slot: str, text: str) -> tuple[int, int]:
    """(quantity, amount in minor units): SMS are billed per segment."""
    quantity = max(sms_length(text).segments, 1) if slot == "sms" else 1
    return quantity, quantity * batch.prices.get(CHANNEL_UNITS[slot], 0)


def wallet_reference(ctx: AuthContext, attempt_id: int) -> str:
    return f"interaction:{ctx.tenant_id}:{attempt_id}"


def _check(ctx: AuthContext, attempts: list[Interaction], batch: Batch,
           now: datetime) -> Verdicts:
    """Steps 2 and 3 for the batch, in claim order (the frequency cap counts the attempts of
    the batch that go before)."""
    v = Verdicts()
    configs: dict[int, tuple[dict, TimeBands]] = {}
    cap_used = dict(batch.cap_counts)
    for attempt in attempts:
        reply = attempt.conversation_id is not None
        campaign = batch.campaigns.get(attempt.campaign_id)
        if not reply and (campaign is None or campaign.status != CampaignStatus.LIVE.value
                          or campaign.id in batch.paused):
            v.release(attempt, "not-live")
            continue
        contact = batch.contacts.get(attempt.contact_id)
        if contact is None and not reply:
            v.end(attempt, "no-contact", S.CANCELLED.value, FailureClass.PERMANENT.value,
                  "Contact supprimé avant l'envoi.")
            continue
        if _is_opted_out(batch, contact, attempt):
            v.end(attempt, "blacklisted", S.CANCELLED.value, FailureClass.BLACKLIST.value,
                  BLACKLISTED)
            continue
        if reply:
            if not _reply_hours_open(v, attempt, now):
                continue
            # free text (WhatsApp: the console allows it inside the 24-hour window only),
            # or the approved template / the attachment the agent chose
            subject, text, html = "", attempt.body, ""
            template, attachment = batch.reply_payloads.get(attempt.id, (None, None))
        else:
            if campaign.id not in configs:    # read once per campaign and batch, not per attempt
                config = normalized(campaign.config)
                configs[campaign.id] = config, bands_from_config(config)
            config, bands = configs[campaign.id]
            if not is_open(bands, now, contact.telephone):
                v.release(attempt, "outside-band", after=OUTSIDE_BAND_DELAY,
                          reason="En attente : hors des plages horaires de la campagne.")
                continue
            if _capped(v, attempt, batch.caps.get(attempt.channel), cap_used):
                continue
            values = contact_values(contact.nom, contact.prenom, contact.telephone,
                                    contact.email, contact.identifiant, contact.extra)
            values[UNSUBSCRIBE_VARIABLE] = unsubscribe_url(ctx.tenant_id, attempt.id)
            try:
                if is_action(attempt):  # a qualification code's message: its own text
                    subject, text, html, template = (*compose_action(config, attempt, values),
                                                     None)
                else:
                    subject, text, html, template = _compose(config, attempt.slot, values,
                                                             batch.templates)
                attachment = None
            except MissingValue as exc:
                v.end(attempt, "personalisation", S.FAILED.value,
                      FailureClass.PERSONALISATION.value, str(exc))
                continue
            except NoTemplate as exc:
                v.end(attempt, "no-template", S.FAILED.value, FailureClass.PERMANENT.value,
                      str(exc))
                continue
        quantity, amount = _price(batch, attempt.slot, text)
        v.ready.append(Ready(attempt, campaign, Outgoing(
            ctx.tenant_id, attempt.id, attempt.address, attempt.sender, text, subject, html,
            template, attachment), quantity, amount))
    return v


def _reply_hours_open(v: Verdicts, attempt: Interaction, now: datetime) -> bool:
    """A conversation reply outside the country preset's hours goes back to wait for them."""
    from services.conversations.hours import next_opening, waiting_reason

    opening = next_opening(attempt.slot, attempt.address, now)
    if opening is None:
        return True
    v.release(attempt, "outside-band", at=opening, reason=waiting_reason(opening))
    return False


def _capped(v: Verdicts, attempt: Interaction, cap: FrequencyCap | None,
            used_so_far: dict[tuple[str, str], int]) -> bool:
    if cap is None:
        return False
    used = used_so_far.get((attempt.channel, attempt.address), 0)
    if used >= cap.max_contacts:
        v.release(attempt, "capped", after=CAP_DELAY,
                  reason=f"En attente : plafond de fréquence atteint ({cap.max_contacts} "
                         f"par {cap.window_days} jour(s)).")
        return True
    used_so_far[(attempt.channel, attempt.address)] = used + 1
    return False


def _pace(ctx: AuthContext, verdicts: Verdicts) -> None:
    """Each attempt takes its turn in its provider account and sender's token bucket (shared by
    every worker); one whose turn is more than HOLD_SECONDS away gives the token back and waits
    in the queue until then, so a rate-limited sender never holds the threads of the others."""
    kept = []
    for r in verdicts.ready:
        key, rate = _rate(ctx, r.attempt)
        wait = reserve(key, rate)
        if wait > HOLD_SECONDS:
            give_back(key, rate)
            # back in the queue most of a hold before its turn, so that the turn is taken again
            # in time: a turn nobody holds when it comes is lost to the sender
            verdicts.release(r.attempt, "paced", reason="En attente : débit limité par le "
                             "fournisseur.", after=timedelta(seconds=wait - 0.9 * HOLD_SECONDS))
            continue
        r.send_at = time.monotonic() + wait
        kept.append(r)
    verdicts.ready = sorted(kept, key=lambda r: r.send_at)


# 4.-5. settle, reserve and mark in flight: one transaction ---------------------------------

_t = Interaction.__table__
_RELEASE = (update(_t).where(_t.c.id == bindparam("_id"), _t.c.status == S.SENDING.value)
            .values(status=S.QUEUED.value, claimed_by=None, failure_reason=bindparam("_reason"),
                    tries=_t.c.tries - bindparam("_untry"), next_try_at=bindparam("_next"),
                    updated_at=func.now()))


def _mark_in_flight(session: Session, ready: list[Ready], currency: str) -> None:
    v = unnested("v", id=(_t.c.id.type, [r.attempt.id for r in ready]),
                 body=(_t.c.body.type, [r.outgoing.body[:4000] for r in ready]),
                 amount=(_t.c.cost_amount.type, [r.amount for r in ready]),
                 version=(_t.c.campaign_version.type,
                          [r.campaign.version if r.campaign else None for r in ready]))
    session.execute(update(_t).where(_t.c.id == v.c.id).values(
        body=v.c.body, sending_at=func.now(), cost_amount=v.c.amount, cost_currency=currency,
        campaign_version=v.c.version, failure_reason="", updated_at=func.now()))


def _debits(ctx: AuthContext, ready: list[Ready]) -> list[Debit]:
    return [Debit(r.amount, CHANNEL_UNITS[r.attempt.slot], r.quantity,
                  wallet_reference(ctx, r.attempt.id),
                  f"{r.campaign.name if r.campaign else 'Conversation'} — {r.attempt.channel}")
            for r in ready if r.amount]


def _affordable(ctx: AuthContext, session: Session,
                ready: list[Ready]) -> tuple[int, InsufficientBalance | None]:
    """How many of `ready`, in order, the Smart Wallet pays (all of them, or the longest
    prefix that fits; debited in the session's transaction), and why not the rest."""
    count, short = len(ready), None
    while count:
        try:
            debit_many(session, ctx.tenant_id, _debits(ctx, ready[:count]))
            return count, short
        except InsufficientBalance as exc:  # nothing was taken: try the prefix that fits
            short, fits, total = exc, 0, 0
            for r in ready[:count - 1]:
                if total + r.amount > exc.balance:
                    break
                total, fits = total + r.amount, fits + 1
            count = fits
    return 0, short


def _reserve_and_mark(ctx: AuthContext, verdicts: Verdicts, batch: Batch) -> list[Ready]:
    """Reserve and mark in flight in one transaction, then settle what will not be sent;
    returns what is to be sent (what the wallet cannot pay is released, its campaign paused)."""
    ready, short = verdicts.ready, None
    if ready:
        with tenant_session(ctx) as s:
            paid, short = (_affordable(ctx, s, ready) if any(r.amount for r in ready)
                           else (len(ready), None))
            ready, unpaid = ready[:paid], ready[paid:]
            if ready:
                _mark_in_flight(s, ready, batch.currency)
        for r in unpaid:
            if r.campaign is None:  # a reply waits for the top-up; no campaign to pause
                verdicts.release(r.attempt, "wallet-empty", after=OUTSIDE_BAND_DELAY,
                                 reason="En attente : Smart Wallet vide.")
                continue
            first = r.campaign.id not in batch.paused
            batch.paused.add(r.campaign.id)
            verdicts.release(r.attempt, "wallet-empty" if first else "not-live",
                             reason="En attente : Smart Wallet vide." if first else "")
    _settle(ctx, verdicts)
    if short is not None:
        from services.campaigns.lifecycle import pause_for_empty_wallet

        for campaign_id in {r.campaign.id for r in verdicts.ready[len(ready):] if r.campaign}:
            pause_for_empty_wallet(ctx, campaign_id, str(short))
    return ready


def _settle(ctx: AuthContext, verdicts: Verdicts) -> None:
    """The attempts that will not be sent: back to QUEUED in one statement; CANCELLED or
    FAILED through progress.advance, the one rule of final states (they are few)."""
    if verdicts.releases or verdicts.ends:
        with tenant_session(ctx) as s:
            if verdicts.releases:
                s.execute(_RELEASE, verdicts.releases)
            for end in verdicts.ends:
                advance(s, end.pop("attempt_id"), end.pop("status"), release_claim=True, **end)


# 6. send concurrently, record in one statement --------------------------------------------

def _rate(ctx: AuthContext, attempt: Interaction) -> tuple[str, float]:
    """(bucket key, messages per second) of the attempt's provider account and sender."""
    s = get_settings()
    if attempt.channel == "WHATSAPP":  # Meta's throughput is per business number
        from services.providers.whatsapp.account import account_of

        account = account_of(ctx.tenant_id)
        return (bucket_key("meta", account.waba_id, account.phone_number_id),
                s.whatsapp_rate_per_sender)
    if attempt.channel == "EMAIL":
        return bucket_key("sendgrid", "", attempt.sender), s.email_rate_per_sender
    return bucket_key("twilio", s.twilio_account_sid, attempt.sender), s.sms_rate_per_sender


def _send_one(r: Ready) -> Accepted | SendFailed:
    """In flight already: waiting for its rate-limit turn holds one claim, never sends twice."""
    wait = r.send_at - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    try:
        return messenger_for(r.attempt.channel, r.outgoing.tenant_id).send(r.outgoing)
    except SendFailed as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  an adapter's bug: unknown fate, reconciled
        log.exception("sending attempt %s", r.attempt.id)
        return SendFailed(f"Erreur inattendue : {exc}", permanent=False, code=UNKNOWN_FATE)


def _rank(column):
    return case(RANK, value=column, else_=0)


def _record_accepted(session: Session, status: str, rows: list[tuple[int, str, str]]) -> None:
    """The provider's acceptance of (attempt id, provider, provider id) rows, as
    progress.advance applies it: the status only moves up, the stage's timestamp and the
    provider's id are written once."""
    ids, providers, pids = zip(*rows)
    v = unnested("v", id=(_t.c.id.type, ids), provider=(_t.c.provider.type, providers),
                 pid=(_t.c.provider_id.type, pids))
    values = {"status": case((_rank(_t.c.status) < RANK[status], status), else_=_t.c.status),
              "provider": case((_t.c.provider_id == "", v.c.provider), else_=_t.c.provider),
              "provider_id": case((_t.c.provider_id == "", v.c.pid), else_=_t.c.provider_id),
              "claimed_by": None, "updated_at": func.now()}
    column = STAGE_COLUMN.get(status)
    if column:
        values[column] = func.coalesce(_t.c[column], func.now())
    session.execute(update(_t).where(_t.c.id == v.c.id, or_(
        _t.c.provider_id == "", _t.c.provider_id == v.c.pid)).values(**values))


def _record(ctx: AuthContext, sent: list[tuple[Ready, Accepted]]) -> None:
    by_status: dict[str, list[tuple[int, str, str]]] = {}
    for r, accepted in sent:
        by_status.setdefault(provider_status(accepted.status), []).append(
            (r.attempt.id, accepted.provider, accepted.provider_id))
    if by_status:
        with tenant_session(ctx) as s:
            for status, rows in by_status.items():
                _record_accepted(s, status, rows)


def _failed(ctx: AuthContext, r: Ready, exc: SendFailed) -> str:
    """One provider call that did not end in an acceptance."""
    attempt, v = r.attempt, Verdicts()
    if exc.code == UNKNOWN_FATE:  # maybe received: left in flight for reconciliation
        with tenant_session(ctx) as s:
            s.execute(update(_t).where(_t.c.id == attempt.id, _t.c.status == S.SENDING.value)
                      .values(claimed_by=orphan_key(), failure_reason=exc.reason[:500]))
        return "to-reconcile"
    if exc.code in ("429", "20429"):
        slow_down(*_rate(ctx, attempt))
    if not exc.permanent and attempt.tries < MAX_TRIES:
        v.release(attempt, "retry", after=backoff(attempt.tries), counts_as_try=True,
                  reason=f"Nouvel essai prévu : {exc.reason}")
    else:
        klass = FailureClass.PERMANENT if exc.permanent else FailureClass.TRANSIENT
        v.end(attempt, "failed", S.FAILED.value, klass.value, exc.reason)
    _settle(ctx, v)
    if v.ends and r.amount:
        credit_wallet(ctx.tenant_id, r.amount, kind="refund",
                      reference=f"refund:{wallet_reference(ctx, attempt.id)}",
                      description="Message non envoyé : remboursement")
    return v.outcomes[attempt.id]


def process_batch(ctx: AuthContext, attempts: list[Interaction], batch: Batch,
                  now: datetime, senders: ThreadPoolExecutor | None = None) -> dict[int, str]:
    """Steps 2 to 6 for claimed attempts; what became of each (for logs and tests). The
    provider calls run on `senders` (the run's threads: a run's turns never queue behind
    another run's), or on threads of their own."""
    verdicts = _check(ctx, attempts, batch, now)
    _pace(ctx, verdicts)
    ready = _reserve_and_mark(ctx, verdicts, batch)
    if senders is None:
        with ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="send") as own:
            results = list(own.map(_send_one, ready))
    else:
        results = list(senders.map(_send_one, ready))
    sent = [(r, res) for r, res in zip(ready, results) if isinstance(res, Accepted)]
    _record(ctx, sent)
    for r, _ in sent:
        verdicts.outcomes[r.attempt.id] = "sent"
    for r, res in zip(ready, results):
        if isinstance(res, SendFailed):
            verdicts.outcomes[r.attempt.id] = _failed(ctx, r, res)
    announce(ctx.tenant_id, {a.campaign_id for a in attempts})
    return verdicts.outcomes


def _seconds_to_next_due(ctx: AuthContext) -> float | None:
    t = Interaction.__table__
    with tenant_session(ctx) as session:
        soonest = session.execute(select(func.extract("epoch", func.min(t.c.next_try_at)
                                                       - func.now())).where(*sendable())).scalar()
    return None if soonest is None else float(soonest)


def send_due(tenant_id: int, run_seconds: float = RUN_SECONDS) -> dict[str, int]:
    """A worker's run for one tenant: claim and send batches until nothing is due."""
    ctx = system_context(tenant_id)
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + run_seconds
    with worker_lock() as key, ThreadPoolExecutor(SEND_THREADS,
                                                  thread_name_prefix="send") as senders:
        while time.monotonic() < deadline:
            attempts = claim_batch(ctx, key)
            if not attempts:
                soon = _seconds_to_next_due(ctx)
                if soon is None or time.monotonic() + soon >= deadline:
                    break
                time.sleep(max(soon, 0.05))  # a paced attempt's turn comes within this run
                continue
            with tenant_session(ctx) as session:
                batch = _load_batch(session, ctx, attempts)
            for outcome in process_batch(ctx, attempts, batch, utcnow(), senders).values():
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


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
        return process_batch(ctx, attempts, batch, utcnow())[attempt_id]
