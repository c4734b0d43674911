"""What an agent whose phone is not connected (« Déconnecté ») needs to connect it.

Their panel repeats the settings of the enrolment email, except the SIP password: it was
emailed once and is never shown again (only its sealed form is stored).

The panel's own browser phone (bgotocall/pages/softphone.py) needs that password to register, as any
phone does (Asterisk checks a digest of it). It is unsealed for the signed-in agent alone, for their own
endpoint, and handed to their page's script memory: never displayed, never kept in the page's state
(which the state manager stores), re-read at each connection; an unenrolled agent gets nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.platform import Role, User
from services.models.voice import AgentProfile
from services.voice.sip import connection_settings, public_connection_settings, unseal_secret

SALES_QUEUE_TARGET = "sales"      # the extension of the tenant's general queue in t-<slug>-agents


@dataclass(frozen=True)
class PhoneSetup:
    login: str
    extension: str
    sip_user: str
    server: str
    webrtc: str
    softphone: str


def _my_profile(ctx: AuthContext) -> AgentProfile | None:
    """The signed-in agent's own profile (their extension and sealed secret), for agents only."""
    access_area(ctx, "agent_panel")
    with tenant_session(ctx) as session:
        return session.get(AgentProfile, ctx.user_id)


def my_phone_setup(ctx: AuthContext) -> PhoneSetup | None:
    """The signed-in agent's connection settings; None for an account without an extension."""
    profile = _my_profile(ctx)
    if profile is None:
        return None
    login, extension = profile.login, profile.extension
    settings = public_connection_settings(ctx.tenant_slug, extension)
    return PhoneSetup(login=login, extension=extension, sip_user=settings["user"],
                      server=settings["domain"], webrtc=settings["webrtc"], softphone=settings["softphone"])


def my_webrtc_credentials(ctx: AuthContext) -> dict[str, str] | None:
    """The signed-in agent's own credentials for the browser phone: websocket address, SIP URI, user and
    password; None for an account without an extension."""
    profile = _my_profile(ctx)
    if profile is None:
        return None
    settings = connection_settings(ctx.tenant_slug, profile.extension, unseal_secret(profile.sip_secret_sealed))
    return {"websocket": settings["webrtc"], "uri": f"sip:{settings['user']}@{settings['domain']}",
            "user": settings["user"], "password": settings["secret"], "domain": settings["domain"]}


def transfer_targets(ctx: AuthContext) -> list[tuple[str, str]]:
    """Where the agent may transfer a call: (extension, name) of the tenant's other active agents, and the
    general queue (SALES_QUEUE_TARGET, no name)."""
    access_area(ctx, "agent_panel")
    with tenant_session(ctx) as session:
        rows = session.exec(select(AgentProfile.extension, User.full_name)
                            .join(User, User.id == AgentProfile.user_id)
                            .where(User.tenant_id == ctx.tenant_id, User.role == Role.AGENT.value, User.is_active,
                                   AgentProfile.user_id != ctx.user_id)
                            .order_by(AgentProfile.extension)).all()
    return [(SALES_QUEUE_TARGET, "")] + [(extension, name) for extension, name in rows]
