"""A customer's message in: the one entry point of every channel (SMS webhook, WhatsApp webhook).

Invariant: one provider message is one conversation message (and one inbound interaction),
however often the provider delivers its webhook; a customer has at most one OPEN conversation
per channel.

Process of `receive_inbound`, in the caller's tenant transaction:
1. lock the (channel, address) pair for the transaction (two messages of the same customer
   arriving together queue up instead of opening two conversations);
2. a message already stored under this provider id: nothing more, its ids are returned;
3. the customer's open conversation on this channel is continued; else one is opened and
   routed (services/conversations/routing.py);
4. the message and its interaction (the contact's history, the campaign journal) are written,
   the unread count grows, the last message moves the conversation up the list;
5. after commit, the live event goes to the agents it is shown to and to the supervision.

Opt-out keywords never come here as questions: the SMS webhook blacklists first and then calls
`close_on_opt_out`, which files the STOP in the open conversation and closes it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlmodel import Session

from services.conversations.events import publish_after_commit
from services.conversations.routing import route_for
from services.models.columns import utcnow
from services.models.conversations import (
    Conversation, ConversationChannel, ConversationMessage, ConversationStatus,
)
from services.models.interactions import Direction, Interaction, InteractionStatus

PROVIDERS = {ConversationChannel.SMS.value: "twilio", ConversationChannel.WHATSAPP.value: "meta"}
PREVIEW = 200


@dataclass(frozen=True)
class Inbound:
    conversation_id: int
    message_id: int
    created: bool  # False: this provider message was already stored (a replayed webhook)


def _lock(session: Session, channel: str, address: str) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                    {"k": f"conversation:{channel}:{address}"})


def open_conversation(session: Session, channel: str, address: str) -> Conversation | None:
    return session.execute(select(Conversation).where(
        Conversation.channel == channel, Conversation.address == address,
        Conversation.status == ConversationStatus.OPEN.value)).scalars().first()


def _start(session: Session, channel: str, address: str, our_address: str) -> Conversation:
    route = route_for(session, address)
    conversation = Conversation(channel=channel, address=address, our_address=our_address,
                                contact_id=route.contact_id, list_id=route.list_id,
                                campaign_id=route.campaign_id, team_id=route.team_id)
    session.add(conversation)
    session.flush()
    return conversation


def _file(session: Session, conversation: Conversation, body: str, provider_message_id: str,
          media: list, provider: str) -> ConversationMessage:
    """The customer's message in the thread and on the contact's history."""
    now = utcnow()
    interaction = Interaction(
        channel=ConversationChannel(conversation.channel).interaction_channel,
        direction=Direction.IN.value, campaign_id=conversation.campaign_id,
        contact_id=conversation.contact_id, list_id=conversation.list_id,
        address=conversation.address, sender=conversation.our_address, body=body[:4000],
        status=InteractionStatus.RECEIVED.value, provider=provider[:20],
        provider_id=provider_message_id[:64], conversation_id=conversation.id)
    session.add(interaction)
    session.flush()
    message = ConversationMessage(conversation_id=conversation.id, direction=Direction.IN.value,
                                  channel=conversation.channel, body=body[:4000],
                                  media=list(media or []), interaction_id=interaction.id,
                                  provider_message_id=provider_message_id[:128], created_at=now)
    session.add(message)
    conversation.unread += 1
    conversation.last_message_at = conversation.last_inbound_at = now
    conversation.last_message = (body or "📎")[:PREVIEW]
    session.add(conversation)
    session.flush()
    return message


def receive_inbound(session: Session, tenant_id: int, channel: str, from_address: str,
                    body: str, provider_message_id: str, media: list | None = None, *,
                    to_address: str = "", provider: str = "") -> Inbound:
    """A customer's message (channel 'sms' | 'whatsapp'; media: [{"type", "url", "name"}])
    into their conversation. `session` is a tenant_session of `tenant_id`; the caller commits."""
    channel = ConversationChannel(channel).value
    _lock(session, channel, from_address)
    if provider_message_id:
        known = session.execute(select(ConversationMessage).where(
            ConversationMessage.channel == channel,
            ConversationMessage.provider_message_id == provider_message_id[:128])
        ).scalars().first()
        if known is not None:
            return Inbound(known.conversation_id, known.id, False)
    conversation = (open_conversation(session, channel, from_address)
                    or _start(session, channel, from_address, to_address))
    message = _file(session, conversation, body, provider_message_id, media or [],
                    provider or PROVIDERS[channel])
    publish_after_commit(session, tenant_id, conversation, "message")
    return Inbound(conversation.id, message.id, True)


def close(session: Session, tenant_id: int, conversation: Conversation, reason: str) -> None:
    conversation.status = ConversationStatus.CLOSED.value
    conversation.closed_at, conversation.closed_reason = utcnow(), reason[:200]
    conversation.unread = 0
    session.add(conversation)
    publish_after_commit(session, tenant_id, conversation, "closed")


def close_on_opt_out(session: Session, tenant_id: int, channel: str, from_address: str,
                     body: str, provider_message_id: str) -> int | None:
    """The customer sent STOP (already blacklisted by the opt-out path): the STOP is filed in
    their open conversation, which is closed. Returns its id (None: no open conversation)."""
    channel = ConversationChannel(channel).value
    _lock(session, channel, from_address)
    conversation = open_conversation(session, channel, from_address)
    if conversation is None:
        return None
    _file(session, conversation, body, provider_message_id, [], PROVIDERS[channel])
    close(session, tenant_id, conversation, "Désinscrit (STOP) : contact en liste noire.")
    return conversation.id


def unread_total(session: Session, where) -> int:
    return int(session.execute(select(func.coalesce(func.sum(Conversation.unread), 0)).where(
        Conversation.status == ConversationStatus.OPEN.value, where)).scalar_one())
