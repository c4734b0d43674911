"""What the console reads and what supervisors do: the conversation list, a thread, the
unread badge, assignment and transfer, closing, the tenant's routing team.

Every function takes the caller's context and goes through routing.visible / console_actor:
a conversation the caller may not see is answered as missing (AccessDenied), whatever id a
forged event carries. Assigning and choosing the routing team are for supervisors and admins.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from services.conversations.events import publish_after_commit
from services.conversations.inbound import close, unread_total
from services.conversations.policy import channel_policy
from services.conversations.routing import (
    agents_of, console_actor, is_supervising, visible, visible_conversation,
)
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied, AuthContext
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.conversations import (
    Conversation, ConversationMessage, ConversationRouting, ConversationStatus,
)
from services.models.interactions import Interaction
from services.models.platform import Role, User
from services.models.tenant import Team
from services.voice.screen_pop import STATUS_LABELS, contact_history

CHANNEL_LABELS = {"sms": "SMS", "whatsapp": "WhatsApp"}
LIST_LIMIT = 200
HISTORY = 10


class ConsoleError(ValueError):
    pass


@dataclass(frozen=True)
class ConversationRow:
    id: int
    channel: str
    address: str
    contact: str
    campaign: str
    agent: str
    unread: int
    last_message: str
    last_at: datetime
    status: str


@dataclass(frozen=True)
class MessageRow:
    id: int
    direction: str  # IN / OUT
    channel: str
    body: str
    at: datetime
    agent: str = ""
    status: str = ""  # the attempt's status label (outbound)
    scheduled_for: datetime | None = None  # queued outside hours: when it will go
    note: str = ""  # failure or waiting reason
    media: list = field(default_factory=list)


def _names(session, ids: set[int], model, column) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _contact_names(session, rows: list[Conversation]) -> dict[int, str]:
    ids = {r.contact_id for r in rows if r.contact_id}
    if not ids:
        return {}
    found = session.execute(select(ContactRecord.id, ContactRecord.prenom, ContactRecord.nom)
                            .where(ContactRecord.id.in_(ids))).all()
    return {i: f"{p} {n}".strip() for i, p, n in found}


def _rows(session, conversations: list[Conversation]) -> list[ConversationRow]:
    campaigns = _names(session, {c.campaign_id for c in conversations}, Campaign, Campaign.name)
    agents = _names(session, {c.agent_id for c in conversations}, User, User.full_name)
    contacts = _contact_names(session, conversations)
    return [ConversationRow(c.id, c.channel, c.address, contacts.get(c.contact_id) or c.address,
                            campaigns.get(c.campaign_id, ""), agents.get(c.agent_id, ""),
                            c.unread, c.last_message, c.last_message_at, c.status)
            for c in conversations]


def list_conversations(ctx: AuthContext, include_closed: bool = False) -> list[ConversationRow]:
    """The caller's conversations, the most recent message first."""
    console_actor(ctx)
    with tenant_session(ctx) as session:
        query = select(Conversation).where(visible(ctx))
        if not include_closed:
            query = query.where(Conversation.status == ConversationStatus.OPEN.value)
        found = session.execute(query.order_by(Conversation.last_message_at.desc())
                                .limit(LIST_LIMIT)).scalars().all()
        return _rows(session, list(found))


def unread_count(ctx: AuthContext) -> int:
    """The agent panel's badge: unread customer messages in the caller's open conversations."""
    console_actor(ctx)
    with tenant_session(ctx) as session:
        return unread_total(session, visible(ctx))


def _message_rows(session, messages: list[ConversationMessage]) -> list[MessageRow]:
    attempts = {a.id: a for a in session.execute(select(Interaction).where(
        Interaction.id.in_([m.interaction_id for m in messages if m.interaction_id]))
    ).scalars()}
    rows = []
    for m in messages:
        a = attempts.get(m.interaction_id) if m.direction == "OUT" else None
        waiting = a is not None and a.status == "QUEUED"
        rows.append(MessageRow(
            m.id, m.direction, m.channel, m.body, m.created_at, m.agent_name,
            STATUS_LABELS.get(a.status, a.status) if a else "",
            a.next_try_at if waiting and a.next_try_at > utcnow() else None,
            a.failure_reason if a and (waiting or a.status in ("FAILED", "CANCELLED")) else "",
            list(m.media or [])))
    return rows


@dataclass(frozen=True)
class Thread:
    conversation: ConversationRow
    messages: list[MessageRow]
    free_text: bool
    locked_reason: str
    window_ends_at: datetime | None
    history: list[dict]  # the contact's last touches on every channel (screen pop's)


def thread(ctx: AuthContext, conversation_id: int, mark_read: bool = True) -> Thread:
    """One conversation's messages, oldest first; opening it reads its unread messages."""
    console_actor(ctx)
    with tenant_session(ctx) as session:
        conversation = visible_conversation(session, ctx, conversation_id, lock=mark_read)
        if mark_read and conversation.unread:
            conversation.unread = 0
            session.add(conversation)
            publish_after_commit(session, ctx.tenant_id, conversation, "read")
        messages = session.execute(select(ConversationMessage).where(
            ConversationMessage.conversation_id == conversation.id)
            .order_by(ConversationMessage.id)).scalars().all()
        policy = channel_policy(conversation, utcnow())
        history = contact_history(session, conversation.contact_id, conversation.address,
                                  limit=HISTORY)
        return Thread(_rows(session, [conversation])[0], _message_rows(session, list(messages)),
                      policy.free_text, policy.reason, policy.window_ends_at, history)


def _supervisor(ctx: AuthContext) -> AuthContext:
    console_actor(ctx)
    if not is_supervising(ctx):
        raise AccessDenied("conversations:assign")
    return ctx


def assignable_agents(ctx: AuthContext) -> list[tuple[int, str]]:
    _supervisor(ctx)
    with tenant_session(ctx) as session:
        return [(u.id, u.full_name) for u in session.execute(select(User).where(
            User.tenant_id == ctx.tenant_id, User.role == Role.AGENT.value, User.is_active)
            .order_by(User.full_name)).scalars()]


def assign(ctx: AuthContext, conversation_id: int, agent_id: int | None) -> None:
    """A supervisor gives the conversation to one agent of the tenant (None: back to the
    agents it was routed to); the former and the new agent hear of it live."""
    _supervisor(ctx)
    with tenant_session(ctx) as session:
        conversation = visible_conversation(session, ctx, conversation_id, lock=True)
        if agent_id is not None:
            agent = session.execute(select(User).where(
                User.id == agent_id, User.tenant_id == ctx.tenant_id,
                User.role == Role.AGENT.value, User.is_active)).scalars().first()
            if agent is None:
                raise ConsoleError("Agent inconnu dans cette instance.")
        before = agents_of(session, conversation)
        conversation.agent_id = agent_id
        session.add(conversation)
        publish_after_commit(session, ctx.tenant_id, conversation, "assigned", also=before)


def close_conversation(ctx: AuthContext, conversation_id: int) -> None:
    console_actor(ctx)
    with tenant_session(ctx) as session:
        conversation = visible_conversation(session, ctx, conversation_id, lock=True)
        if conversation.status == ConversationStatus.CLOSED.value:
            return
        close(session, ctx.tenant_id, conversation, f"Close par {ctx.full_name}"[:200])


def routing_team(ctx: AuthContext) -> int | None:
    _supervisor(ctx)
    with tenant_session(ctx) as session:
        row = session.get(ConversationRouting, 1)
        return row.team_id if row else None


def set_routing_team(ctx: AuthContext, team_id: int | None) -> None:
    """The team that receives new conversations (None: the campaign's agents)."""
    _supervisor(ctx)
    with tenant_session(ctx) as session:
        if team_id is not None and session.get(Team, team_id) is None:
            raise ConsoleError("Équipe inconnue.")
        row = session.get(ConversationRouting, 1) or ConversationRouting(id=1)
        row.team_id, row.updated_at = team_id, utcnow()
        session.add(row)


def contact_conversations(session, contact_id: int | None, address: str) -> list[dict]:
    """A contact's conversations for their history (screen pop, journal): newest first."""
    query = select(Conversation).where(
        (Conversation.contact_id == contact_id) if contact_id else
        (Conversation.address == address)).order_by(Conversation.last_message_at.desc())
    return [{"id": c.id, "channel": CHANNEL_LABELS.get(c.channel, c.channel),
             "status": "Ouverte" if c.status == ConversationStatus.OPEN.value else "Close",
             "last_message": c.last_message, "when": c.last_message_at}
            for c in session.execute(query.limit(10)).scalars()]
