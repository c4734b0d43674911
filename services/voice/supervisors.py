"""The admin enrols and removes the tenant's supervisors (seed, actor "Administrateur Client").

A supervisor is enrolled as an agent is (account, emailed password link and SIP settings, a phone
of their own in 2900–2999 to coach from) but takes no agent licence.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.platform import Role, User
from services.models.voice import AgentProfile
from services.voice.agents import SUPERVISORS, EnrolledAgent, enroll_member, unenroll_member


@dataclass(frozen=True)
class SupervisorRow:
    user_id: int
    full_name: str
    email: str
    extension: str


def list_supervisors(ctx: AuthContext) -> list[SupervisorRow]:
    access_area(ctx, SUPERVISORS.area)
    with tenant_session(ctx) as session:
        rows = session.exec(select(User, AgentProfile.extension)
                            .join(AgentProfile, AgentProfile.user_id == User.id, isouter=True)
                            .where(User.tenant_id == ctx.tenant_id, User.role == Role.SUPERVISOR.value,
                                   User.is_active).order_by(User.full_name)).all()
    return [SupervisorRow(u.id, u.full_name, u.email, extension or "—") for u, extension in rows]


def enroll_supervisor(ctx: AuthContext, last_name: str, first_name: str, login: str, email: str) -> EnrolledAgent:
    return enroll_member(ctx, SUPERVISORS, last_name, first_name, login, email)


def unenroll_supervisor(ctx: AuthContext, user_id: int) -> None:
    unenroll_member(ctx, SUPERVISORS, user_id)
