"""Who is who on the PBX: the agents of a tenant with extension, state, teams and skills; the
endpoint -> (tenant, user) map the bridge uses; extensions for accounts made outside enrolment."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.models.platform import Role, Tenant, User
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus
from services.models.tenant import Team
from services.models.voice import AgentProfile, AgentSkill, TeamMember
from services.voice.presence import agent_states
from services.voice.sip import AGENT_RANGE, SUPERVISOR_RANGE, new_sip_secret, next_free_extension, seal_secret


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    full_name: str
    email: str
    login: str
    extension: str
    state: str
    teams: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)   # "Anglais (4)"
    since: float = 0.0                                 # epoch seconds of the last state change
    reason: str = ""                                   # a pause's reason
    campaign: str = ""                                 # the campaign of the call in progress
    caller: str = ""                                   # who the agent is talking to
    campaigns: list[str] = field(default_factory=list)  # the live campaigns the agent works on


def list_agents(ctx: AuthContext) -> list[AgentRow]:
    """The tenant's active agents with their extension, live state, teams and skills."""
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        users = session.exec(select(User).where(User.tenant_id == ctx.tenant_id, User.role == Role.AGENT.value,
                                                User.is_active).order_by(User.full_name)).all()
        profiles = {p.user_id: p for p in session.exec(select(AgentProfile))}
        teams: dict[int, list[str]] = {}
        for member, team in session.exec(select(TeamMember, Team).join(Team, Team.id == TeamMember.team_id)
                                         .order_by(Team.name)):
            teams.setdefault(member.user_id, []).append(team.name)
        skills: dict[int, list[str]] = {}
        for skill in session.exec(select(AgentSkill).order_by(AgentSkill.skill)):
            skills.setdefault(skill.user_id, []).append(f"{skill.skill} ({skill.level})")
        staffing: dict[int, list[str]] = {}
        for member, campaign in session.exec(
                select(CampaignAgent, Campaign).join(Campaign, Campaign.id == CampaignAgent.campaign_id)
                .where(Campaign.status == CampaignStatus.LIVE.value).order_by(Campaign.name)):
            staffing.setdefault(member.user_id, []).append(campaign.name)
    states = agent_states(ctx.tenant_id)

    def row(u: User) -> AgentRow:
        now = states.get(u.id, {})
        return AgentRow(u.id, u.full_name, u.email, profiles[u.id].login if u.id in profiles else "",
                        profiles[u.id].extension if u.id in profiles else "", now.get("state", "LOGGED_OUT"),
                        teams.get(u.id, []), skills.get(u.id, []), now.get("since", 0.0), now.get("reason", ""),
                        now.get("campaign", ""), now.get("caller", ""), staffing.get(u.id, []))
    return [row(u) for u in users]


def extension_of(ctx: AuthContext, user_id: int) -> str | None:
    with tenant_session(ctx) as session:
        profile = session.get(AgentProfile, user_id)
        return profile.extension if profile else None


def endpoint_owners() -> dict[str, tuple[int, int]]:
    """Every enrolled endpoint of every active tenant: 'demo-2001' -> (tenant_id, user_id)."""
    with platform_session() as session:
        tenants = session.exec(select(Tenant).where(Tenant.status == "ACTIVE")).all()
    owners: dict[str, tuple[int, int]] = {}
    for tenant in tenants:
        with tenant_session(system_context(tenant.id)) as session:
            for profile in session.exec(select(AgentProfile)):
                owners[f"{tenant.slug}-{profile.extension}"] = (tenant.id, profile.user_id)
    return owners


def give_extensions(tenant_id: int) -> None:
    """Give an extension to the tenant's agents and supervisors that have none (demo data, imports)."""
    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        _give(session, ctx)


def _give(session: Session, ctx: AuthContext) -> None:
    taken = set(session.exec(select(AgentProfile.extension)))
    have = set(session.exec(select(AgentProfile.user_id)))
    users = session.exec(select(User).where(User.tenant_id == ctx.tenant_id, User.is_active,
                                            User.role.in_([Role.AGENT.value, Role.SUPERVISOR.value]))
                         .order_by(User.id)).all()
    for user in users:
        if user.id in have:
            continue
        numbers = AGENT_RANGE if user.role == Role.AGENT.value else SUPERVISOR_RANGE
        extension = next_free_extension(taken, numbers)
        taken.add(extension)
        user.login = user.login or user.email.split("@")[0][:40]
        session.add(user)
        session.add(AgentProfile(user_id=user.id, extension=extension, login=user.login,
                                 sip_secret_sealed=seal_secret(new_sip_secret())))


@dataclass(frozen=True)
class AgentsOverview:
    agents: list[AgentRow]
    licences_used: int
    licences: int


def agents_overview(ctx: AuthContext) -> AgentsOverview:
    """What the Agents page shows: the agents and the plan's licence counter."""
    from services.voice.licences import licence_usage
    agents = list_agents(ctx)
    used, total = licence_usage(ctx.tenant_id)
    return AgentsOverview(agents, used, total)
