"""What an agent whose phone is not connected (« Déconnecté ») needs to connect it.

Their panel repeats the settings of the enrolment email, except the SIP password: it was
emailed once and is never shown again (only its sealed form is stored).
"""
from __future__ import annotations

from dataclasses import dataclass

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.voice import AgentProfile
from services.voice.sip import public_connection_settings


@dataclass(frozen=True)
class PhoneSetup:
    login: str
    extension: str
    sip_user: str
    server: str
    webrtc: str
    softphone: str


def my_phone_setup(ctx: AuthContext) -> PhoneSetup | None:
    """The signed-in agent's connection settings; None for an account without an extension."""
    access_area(ctx, "agent_panel")
    with tenant_session(ctx) as session:
        profile = session.get(AgentProfile, ctx.user_id)
        if profile is None:
            return None
        login, extension = profile.login, profile.extension
    settings = public_connection_settings(ctx.tenant_slug, extension)
    return PhoneSetup(login=login, extension=extension, sip_user=settings["user"],
                      server=settings["domain"], webrtc=settings["webrtc"], softphone=settings["softphone"])
