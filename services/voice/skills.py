"""Teams and skills (with a level from 1 to 5) of each agent; routing uses them later."""
from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.platform import Role, User
from services.models.tenant import Team
from services.models.voice import AgentSkill, TeamMember
from services.voice.queue_members import queues_changed


class SkillError(ValueError):
    pass


def _agent(session, ctx: AuthContext, user_id: int) -> User:
    user = session.exec(select(User).where(User.id == user_id, User.tenant_id == ctx.tenant_id,
                                           User.role == Role.AGENT.value, User.is_active)).first()
    if user is None:
        raise LookupError("Agent introuvable.")
    return user


def set_agent_teams(ctx: AuthContext, user_id: int, team_ids: list[int]) -> None:
    """The agent belongs to exactly these teams (of the same tenant)."""
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        _agent(session, ctx, user_id)
        known = set(session.exec(select(Team.id).where(Team.id.in_(team_ids)))) if team_ids else set()
        session.exec(delete(TeamMember).where(TeamMember.user_id == user_id))
        session.add_all([TeamMember(team_id=t, user_id=user_id) for t in sorted(known)])


def set_agent_skill(ctx: AuthContext, user_id: int, skill: str, level: int) -> None:
    """Add or change a skill; level 0 removes it."""
    access_area(ctx, "teams")
    skill = skill.strip()
    if not skill:
        raise SkillError("Le nom de la compétence est obligatoire.")
    if not 0 <= int(level) <= 5:
        raise SkillError("Le niveau va de 1 (notions) à 5 (expert).")
    with tenant_session(ctx) as session:
        _agent(session, ctx, user_id)
        row = session.get(AgentSkill, (user_id, skill[:60]))
        if int(level) == 0:
            if row is not None:
                session.delete(row)
        else:
            row = row or AgentSkill(user_id=user_id, skill=skill[:60])
            row.level = int(level)
            session.add(row)
    queues_changed(ctx.tenant_slug)      # the campaigns asking for this skill ring by the new level


def agents_with_skill(ctx: AuthContext, skill: str, min_level: int = 1) -> list[int]:
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        return list(session.exec(select(AgentSkill.user_id).where(AgentSkill.skill == skill,
                                                                  AgentSkill.level >= min_level)))


def agent_teams_and_skills(ctx: AuthContext, user_id: int) -> tuple[list[tuple[int, str, bool]], list[tuple[str, int]]]:
    """Every team of the tenant (id, name, is the agent in it) and the agent's skills (name, level)."""
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        _agent(session, ctx, user_id)
        mine = set(session.exec(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
        teams = [(t.id, t.name, t.id in mine) for t in session.exec(select(Team).order_by(Team.name))]
        skills = [(s.skill, s.level) for s in session.exec(select(AgentSkill).where(AgentSkill.user_id == user_id)
                                                           .order_by(AgentSkill.skill))]
    return teams, skills
