"""Agents and teams of a campaign (UC-CP-01 step D, UC-CP-02 "conflit de ressources").

The configuration lists the agents wanted; `campaign_agent` holds who works on it now. An
agent removed while in a call keeps working until the call ends (`pending_removal`), then
`finish_pending_removals` (called by the voice engine at hang-up) takes them off.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.live import campaign_topic, publish
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus
from services.models.platform import Role, User
from services.models.voice import TeamMember
from services.voice.presence import agents_in_call
from services.campaigns.store import CampaignError, load_campaign

IN_CALL_WARNING = ("{n} agents sont en communication. La modification sera effective dès la "
                   "fin de leurs interactions en cours.")


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    name: str
    email: str


def tenant_agents(ctx: AuthContext) -> list[AgentRow]:
    """The agents of the caller's tenant (platform users with the AGENT role)."""
    access_area(ctx, "campaigns")
    with platform_session() as session:
        users = session.exec(select(User).where(User.tenant_id == ctx.tenant_id,
                                                User.role == Role.AGENT.value,
                                                User.is_active).order_by(User.full_name))
        return [AgentRow(u.id, u.full_name, u.email) for u in users]


def staffed_agents(session: Session, config: dict) -> list[int]:
    """The agents chosen one by one plus the members of the chosen teams."""
    agents = set(config.get("agents") or [])
    teams = config.get("teams") or []
    if teams:
        agents |= set(session.exec(select(TeamMember.user_id)
                                   .where(TeamMember.team_id.in_(teams))))
    return sorted(agents)


def sync_agents(session: Session, tenant_id: int, campaign_id: int,
                wanted: list[int]) -> list[int]:
    """Make `campaign_agent` follow the wanted agents, in the caller's transaction.
    Returns the agents whose removal waits for the end of their call."""
    rows = {r.user_id: r for r in session.exec(
        select(CampaignAgent).where(CampaignAgent.campaign_id == campaign_id))}
    wanted_set = set(wanted)
    for user_id in wanted_set - rows.keys():
        session.add(CampaignAgent(campaign_id=campaign_id, user_id=user_id))
    for user_id in wanted_set & rows.keys():
        if rows[user_id].pending_removal:
            rows[user_id].pending_removal = False
            session.add(rows[user_id])
    leaving = sorted(rows.keys() - wanted_set)
    busy = agents_in_call(tenant_id, leaving) if leaving else set()
    for user_id in leaving:
        if user_id in busy:
            rows[user_id].pending_removal = True
            session.add(rows[user_id])
        else:
            session.delete(rows[user_id])
    return sorted(busy)


def finish_pending_removals(tenant_id: int, user_id: int) -> list[int]:
    """At the end of an agent's call: apply the removals that waited for it."""
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        rows = list(session.exec(select(CampaignAgent).where(
            CampaignAgent.user_id == user_id, CampaignAgent.pending_removal)))
        for row in rows:
            session.delete(row)
    for row in rows:
        publish(campaign_topic(tenant_id, row.campaign_id), "campaign_changed",
                campaign_id=row.campaign_id)
    return [row.campaign_id for row in rows]


# --- for the voice engineer's drag-and-drop view -----------------------------------------
def live_campaigns(ctx: AuthContext) -> list[Campaign]:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        return list(session.exec(select(Campaign).where(
            Campaign.status == CampaignStatus.LIVE.value).order_by(Campaign.name)))


def campaign_agents(ctx: AuthContext, campaign_id: int) -> list[CampaignAgent]:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        load_campaign(session, campaign_id)
        return list(session.exec(select(CampaignAgent).where(
            CampaignAgent.campaign_id == campaign_id).order_by(CampaignAgent.user_id)))


def move_agent(ctx: AuthContext, user_id: int, to_campaign_id: int) -> list[str]:
    """Move an agent to another campaign: a new version of each campaign concerned.
    Returns the warnings (the agent is in a call: effective at the end of it)."""
    from services.campaigns.versions import save_campaign  # versions imports this module

    with tenant_session(ctx) as session:
        load_campaign(session, to_campaign_id)
    warnings = release_agent(ctx, user_id, keep=to_campaign_id)
    with tenant_session(ctx) as session:
        target = load_campaign(session, to_campaign_id)
    if user_id not in target.config.get("agents", []):
        save_campaign(ctx, to_campaign_id,
                      dict(target.config, agents=[*target.config.get("agents", []), user_id]),
                      note="Agent déplacé")
    return warnings


def release_agent(ctx: AuthContext, user_id: int, keep: int | None = None) -> list[str]:
    """Take the agent off every campaign that names them (but `keep`): a new version of each.
    Returns the warnings: in a call (effective at its end), or still staffed through a team."""
    from services.campaigns.versions import save_campaign  # versions imports this module

    access_area(ctx, "campaigns")
    if user_id not in {a.user_id for a in tenant_agents(ctx)}:
        raise CampaignError("Agent introuvable.")
    with tenant_session(ctx) as session:
        campaigns = [c for c in session.exec(select(Campaign).where(
            Campaign.status != CampaignStatus.ARCHIVEE.value).order_by(Campaign.name)) if c.id != keep]
        through_team = [c.name for c in campaigns if user_id not in c.config.get("agents", [])
                        and user_id in staffed_agents(session, c.config)]
    warnings = []
    for campaign in campaigns:
        if user_id in campaign.config.get("agents", []):
            config = dict(campaign.config, agents=[a for a in campaign.config["agents"] if a != user_id])
            warnings += save_campaign(ctx, campaign.id, config, note="Agent retiré").warnings
    warnings += [f"L'agent reste sur « {name} » par son équipe : retirez-le de l'équipe pour l'en libérer."
                 for name in through_team]
    return warnings
