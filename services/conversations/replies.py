"""An agent's answer in a conversation: written, priced and sent by the sending engine.

Invariant: an answer is one attempt (`interaction`, QUEUED) of the sending engine
(services/messaging/sending.py) — the same claim, blacklist check, rate limit, Smart Wallet
debit and usage line as a campaign SMS — and one message of the thread pointing at it.

Process of `reply`:
1. the caller sees the conversation (routing.visible_conversation), it is open, and the
   channel's policy (services/conversations/policy.py) allows free text now — else only an
   APPROVED WhatsApp template goes (`reply_template`: Meta's 24-hour rule, enforced here);
2. the text (or the template's variables) is personalised with the contact's values
   ({Prenom}, {Nom}, ...): a variable the contact has no value for is refused before
   anything is written;
3. the message and its attempt are written in one transaction; outside the country preset's
   sending hours the attempt waits until their next opening (`next_try_at`, shown in the
   console); an unassigned conversation becomes the answering agent's;
4. when due now, the attempt is sent at once (sending.send_one); else a worker sends it when
   its time comes. Either way the console hears of it live.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select

from services.billing.money import format_money
from services.billing.prices import CHANNEL_UNITS, price_list
from services.billing.wallet import wallet_of
from services.campaigns.sms import sms_length
from services.campaigns.whatsapp_templates import filled, placeholders
from services.conversations.events import publish_after_commit
from services.conversations.hours import next_opening, waiting_reason
from services.conversations.inbound import PREVIEW
from services.conversations.policy import channel_policy
from services.conversations.routing import agents_of, console_actor, visible_conversation
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.messaging.personalise import MissingValue, contact_values, personalise
from services.messaging.reply_payload import template_entry
from services.messaging.sending import send_one
from services.models.audience import ContactRecord
from services.models.campaigns import TemplateStatus, WhatsAppTemplate
from services.models.columns import utcnow
from services.models.conversations import (
    Conversation, ConversationChannel, ConversationMessage, ConversationStatus,
)
from services.models.interactions import Direction, Interaction, InteractionStatus
from services.models.platform import Role
from services.settings import get_settings

MAX_LENGTH = 1600  # ten concatenated GSM-7 segments


class ReplyError(ValueError):
    """Why the answer cannot go (French, shown under the composer)."""


@dataclass(frozen=True)
class Estimate:
    encoding: str  # GSM-7 / UCS-2 (SMS); "" for WhatsApp
    segments: int
    amount: int  # minor units
    label: str  # "1 segment (GSM-7) — 25 XAF"


def estimate(channel: str, text: str, currency: str, prices: dict[str, int]) -> Estimate:
    """What the composer shows as the agent types: segments and cost of the text as typed."""
    unit = prices.get(CHANNEL_UNITS[channel], 0)
    if channel == ConversationChannel.SMS.value:
        length = sms_length(text)
        amount = length.segments * unit
        plural = "s" if length.segments > 1 else ""
        return Estimate(length.encoding, length.segments, amount,
                        f"{length.segments} segment{plural} ({length.encoding}) — "
                        f"{format_money(amount, currency)}")
    amount = unit if text else 0
    return Estimate("", 1 if text else 0, amount, f"1 message — {format_money(amount, currency)}")


def tenant_prices(tenant_id: int) -> tuple[str, dict[str, int]]:
    wallet = wallet_of(tenant_id)
    currency = wallet.currency if wallet else ""
    return currency, (price_list(currency) if currency else {})


@dataclass(frozen=True)
class Sent:
    message_id: int
    attempt_id: int
    body: str  # as personalised
    scheduled_for: datetime | None  # None: sent now
    outcome: str  # the engine's outcome when sent now ("sent", "failed", ...)


def _values(session, conversation: Conversation) -> dict[str, str]:
    contact = None
    if conversation.contact_id is not None:
        contact = session.execute(select(ContactRecord).where(
            ContactRecord.id == conversation.contact_id,
            *([ContactRecord.list_id == conversation.list_id]
              if conversation.list_id is not None else []))).scalars().first()
    if contact is None:
        return {"Telephone": conversation.address}
    return contact_values(contact.nom, contact.prenom, contact.telephone, contact.email,
                          contact.identifiant, contact.extra)


def _sender(conversation: Conversation) -> str:
    return conversation.our_address or get_settings().sms_sender


def reply(ctx: AuthContext, conversation_id: int, text: str,
          now: datetime | None = None) -> Sent:
    """Free text. `now`: the instant the sending hours and the channel's rule are read at
    (tests); the present by default."""
    text = (text or "").strip()
    if not text:
        raise ReplyError("Écrivez un message avant d'envoyer.")
    if len(text) > MAX_LENGTH:
        raise ReplyError(f"Message trop long ({len(text)} caractères, {MAX_LENGTH} au plus).")

    def compose(session, conversation: Conversation, policy) -> tuple[str, list]:
        if not policy.free_text:
            raise ReplyError(policy.reason or "Texte libre non autorisé sur ce canal.")
        try:
            return personalise(text, _values(session, conversation)), []
        except MissingValue as exc:
            raise ReplyError(str(exc)) from exc

    return answer_with(ctx, conversation_id, compose, now)


def reply_template(ctx: AuthContext, conversation_id: int, template_id: int,
                   variables: dict[str, str], now: datetime | None = None) -> Sent:
    """An APPROVED WhatsApp template of the tenant, its {{n}} filled from the contact's
    fields (`variables`: {"1": "Prenom"}); the one answer Meta takes outside the 24-hour
    window (and allowed inside it too). The template call travels on the reply's message
    (`media` entry of type "template") for the sending engine to send."""
    def compose(session, conversation: Conversation, policy) -> tuple[str, list]:
        if conversation.channel != ConversationChannel.WHATSAPP.value:
            raise ReplyError("Les modèles ne s'envoient que sur WhatsApp.")
        template = session.get(WhatsAppTemplate, template_id)
        if template is None or template.status != TemplateStatus.APPROVED.value:
            raise ReplyError("Choisissez un modèle WhatsApp approuvé.")
        try:
            body, parameters = filled(template.body, variables,
                                      _values(session, conversation))
        except MissingValue as exc:
            raise ReplyError(str(exc)) from exc
        return body, [template_entry(template.name, template.language, parameters)]

    return answer_with(ctx, conversation_id, compose, now)


@dataclass(frozen=True)
class TemplateChoice:
    id: int
    label: str  # "relance (fr)"
    body: str
    variables: int  # how many {{n}}


def approved_templates(ctx: AuthContext) -> list[TemplateChoice]:
    """The tenant's APPROVED WhatsApp templates, as the console offers them to any of its
    agents (the registry itself stays the campaigns area's)."""
    console_actor(ctx)
    with tenant_session(ctx) as session:
        rows = session.execute(select(WhatsAppTemplate).where(
            WhatsAppTemplate.status == TemplateStatus.APPROVED.value)
            .order_by(WhatsAppTemplate.name, WhatsAppTemplate.language)).scalars().all()
        return [TemplateChoice(t.id, f"{t.name} ({t.language})", t.body,
                               len(placeholders(t.body))) for t in rows]


def answer_with(ctx: AuthContext, conversation_id: int,
                compose: Callable[..., tuple[str, list]], now: datetime | None) -> Sent:
    """Steps 1, 3 and 4 around `compose(session, conversation, policy) -> (body, media)`,
    which checks the policy and personalises (step 2) or raises ReplyError."""
    console_actor(ctx)
    hours_at, now = now or utcnow(), utcnow()
    with tenant_session(ctx) as session:
        conversation = visible_conversation(session, ctx, conversation_id, lock=True)
        if conversation.status != ConversationStatus.OPEN.value:
            raise ReplyError("Cette conversation est close.")
        body, media = compose(session, conversation, channel_policy(conversation, hours_at))
        opening = next_opening(conversation.channel, conversation.address, hours_at)
        message = ConversationMessage(
            conversation_id=conversation.id, direction=Direction.OUT.value,
            channel=conversation.channel, body=body, media=media,
            agent_id=ctx.user_id or None, agent_name=ctx.full_name[:200], created_at=now)
        session.add(message)
        session.flush()
        attempt = Interaction(
            channel=ConversationChannel(conversation.channel).interaction_channel,
            direction=Direction.OUT.value, campaign_id=conversation.campaign_id,
            contact_id=conversation.contact_id, list_id=conversation.list_id,
            address=conversation.address, sender=_sender(conversation),
            agent_id=ctx.user_id or None, slot=conversation.channel,
            step=-message.id,  # a reply never collides with the sequence's steps (>= 0)
            status=InteractionStatus.QUEUED.value, body=body, next_try_at=opening or now,
            failure_reason=waiting_reason(opening) if opening else "",
            conversation_id=conversation.id)
        session.add(attempt)
        session.flush()
        message.interaction_id = attempt.id
        session.add(message)
        previous_agents = agents_of(session, conversation)  # told it left their list
        if conversation.agent_id is None and ctx.role == Role.AGENT:
            conversation.agent_id = ctx.user_id
        conversation.unread = 0
        conversation.last_message_at, conversation.last_message = now, body[:PREVIEW]
        session.add(conversation)
        publish_after_commit(session, ctx.tenant_id, conversation, "reply",
                             also=previous_agents)
        ids = (message.id, attempt.id, conversation.id)
    outcome = "" if opening else send_one(ctx.tenant_id, ids[1])
    if outcome:
        with tenant_session(ctx) as session:
            publish_after_commit(session, ctx.tenant_id, session.get(Conversation, ids[2]),
                                 "sent")
    return Sent(ids[0], ids[1], body, opening, outcome)
