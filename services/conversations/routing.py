"""Who a conversation goes to, and who may see it.

Routing, when a customer's message opens a conversation: to the team the tenant chose for
conversations when it chose one, else to the agents of the campaign that last wrote to the
contact (any channel). A supervisor may then assign it to one agent, or move it to another.

Visibility (checked on the server for every read and every action): admins and supervisors see
every conversation of their tenant; an agent sees those assigned to them, and the unassigned
ones routed to a campaign they work on or a team they belong to.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from services.identity.access import AccessDenied, AuthContext
from services.models.audience import ContactRecord
from services.models.campaigns import CampaignAgent
from services.models.conversations import Conversation, ConversationRouting
from services.models.interactions import Direction, Interaction
from services.models.platform import Role
from services.models.voice import TeamMember

SUPERVISING = (Role.ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class Route:
    contact_id: int | None
    list_id: int | None
    campaign_id: int | None
    team_id: int | None


def chosen_team(session: Session) -> int | None:
    row = session.get(ConversationRouting, 1)
    return row.team_id if row else None


def route_for(session: Session, address: str) -> Route:
    """The contact behind `address`, the campaign that last wrote to it, and the team."""
    last = session.execute(select(Interaction.campaign_id, Interaction.contact_id,
                                  Interaction.list_id).where(
        Interaction.address == address, Interaction.direction == Direction.OUT.value,
        Interaction.campaign_id.isnot(None))
        .order_by(Interaction.queued_at.desc(), Interaction.id.desc()).limit(1)).first()
    campaign_id, contact_id, list_id = last if last else (None, None, None)
    if contact_id is None:
        found = session.execute(select(ContactRecord.id, ContactRecord.list_id).where(
            ContactRecord.telephone == address).limit(1)).first()
        contact_id, list_id = found if found else (None, None)
    return Route(contact_id, list_id, campaign_id, chosen_team(session))


def agents_of(session: Session, conversation: Conversation) -> set[int]:
    """The agents a conversation is shown to: its assignee, else its campaign's or team's."""
    if conversation.agent_id:
        return {conversation.agent_id}
    if conversation.team_id:
        return set(session.execute(select(TeamMember.user_id).where(
            TeamMember.team_id == conversation.team_id)).scalars())
    if conversation.campaign_id:
        return set(session.execute(select(CampaignAgent.user_id).where(
            CampaignAgent.campaign_id == conversation.campaign_id,
            CampaignAgent.pending_removal.is_(False))).scalars())
    return set()


def is_supervising(ctx: AuthContext) -> bool:
    return ctx.role in SUPERVISING and ctx.tenant_schema is not None


def console_actor(ctx: AuthContext | None) -> AuthContext:
    """Agents, supervisors and admins of a tenant use the console; nobody else."""
    if ctx is None or ctx.tenant_schema is None or ctx.role not in (*SUPERVISING, Role.AGENT):
        raise AccessDenied("conversations")
    return ctx


def visible(ctx: AuthContext):
    """WHERE clause on Conversation: what this caller may see."""
    console_actor(ctx)
    if is_supervising(ctx):
        return and_(True)
    mine = select(CampaignAgent.campaign_id).where(CampaignAgent.user_id == ctx.user_id,
                                                   CampaignAgent.pending_removal.is_(False))
    teams = select(TeamMember.team_id).where(TeamMember.user_id == ctx.user_id)
    return or_(Conversation.agent_id == ctx.user_id,
               and_(Conversation.agent_id.is_(None),
                    or_(and_(Conversation.team_id.is_(None), Conversation.campaign_id.in_(mine)),
                        Conversation.team_id.in_(teams))))


def visible_conversation(session: Session, ctx: AuthContext, conversation_id: int,
                         lock: bool = False) -> Conversation:
    """The conversation when this caller may see it; AccessDenied otherwise (a forged or
    foreign id is answered exactly like a missing one)."""
    query = select(Conversation).where(Conversation.id == conversation_id, visible(ctx))
    row = session.execute(query.with_for_update() if lock else query).scalars().first()
    if row is None:
        raise AccessDenied("conversation")
    return row
