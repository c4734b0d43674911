"""Teams of agents within a tenant."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.tenant import Team


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
