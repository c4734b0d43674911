"""Teams of agents within a tenant."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.campaigns import Campaign, CampaignStatus
from services.models.platform import User
from services.models.tenant import Team
from services.models.voice import TeamMember


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    description: str
    members: list[str]      # active members' names, sorted


class TeamError(ValueError):
    pass


def create_team(ctx: AuthContext, name: str, description: str = "") -> Team:
    access_area(ctx, "teams")
    name = name.strip()
    if not name:
        raise TeamError("Le nom de l'équipe est obligatoire.")
    team = Team(name=name[:120], description=description.strip()[:500])
    try:
        with tenant_session(ctx) as session:
            session.add(team)
    except IntegrityError as exc:
        raise TeamError(f"Une équipe « {name} » existe déjà.") from exc
    return team


def list_teams(ctx: AuthContext) -> list[Team]:
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        return list(session.exec(select(Team).order_by(Team.name)))


def get_team(ctx: AuthContext, team_id: int) -> Team | None:
    """The team of the caller's tenant; another tenant's id is simply not found."""
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        return session.get(Team, team_id)


def teams_with_members(ctx: AuthContext) -> list[TeamView]:
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        teams = list(session.exec(select(Team).order_by(Team.name)))
        members: dict[int, list[str]] = {}
        for team_id, name in session.exec(select(TeamMember.team_id, User.full_name)
                                          .join(User, User.id == TeamMember.user_id)
                                          .where(User.is_active).order_by(User.full_name)):
            members.setdefault(team_id, []).append(name)
    return [TeamView(t.id, t.name, t.description, members.get(t.id, [])) for t in teams]


def delete_team(ctx: AuthContext, team_id: int) -> None:
    """Refused while a campaign (not archived) is staffed by the team; its members stay agents."""
    access_area(ctx, "teams")
    with tenant_session(ctx) as session:
        team = session.get(Team, team_id)
        if team is None:
            raise TeamError("Équipe introuvable.")
        using = [c.name for c in session.exec(select(Campaign).where(
            Campaign.status != CampaignStatus.ARCHIVEE.value).order_by(Campaign.name))
            if team_id in (c.config.get("teams") or [])]
        if using:
            raise TeamError(f"L'équipe « {team.name} » staffe encore : {', '.join(using)}. "
                            "Retirez-la de ces campagnes d'abord.")
        session.exec(delete(TeamMember).where(TeamMember.team_id == team_id))
        session.delete(team)
