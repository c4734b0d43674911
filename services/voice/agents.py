"""UC-RH-01/02: enrolling and unenrolling agents (platform account + SIP profile + licence).

Supervisors are enrolled the same way by the admin (a phone of their own, for coaching; no agent
licence): `Membership` says what differs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.login import normalise_email
from services.identity.passwords import hash_password
from services.identity.tokens import new_token, token_hash
from services.messaging.email import send_email
from services.models.columns import utcnow
from services.models.platform import AuthSession, PasswordResetToken, Role, User
from services.models.voice import AgentProfile, AgentSkill, TeamMember
from services.providers.email import EmailMessage
from services.settings import get_settings
from services.voice.commands import pbx_command
from services.voice.licences import agents_in_use, lock_plan
from services.voice.presence import AgentState, AgentStateConflict, claim_agent_state, set_agent_state
from services.voice.sip import (
    AGENT_RANGE, SUPERVISOR_RANGE, connection_settings, endpoint_name, new_sip_secret, next_free_extension,
    seal_secret)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
WELCOME_LINK_DAYS = 7


class EnrolmentError(ValueError):
    """The form cannot be accepted; `field` names the field to show the message under ('' = form)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NoLicenceLeft(EnrolmentError):
    pass


class AgentBusy(RuntimeError):
    """UC-RH-02: an agent in a call cannot be unenrolled."""


@dataclass(frozen=True)
class Membership:
    """What enrolling means for one role of the tenant's people with a phone."""
    role: Role
    area: str                 # who may enrol and unenrol them
    extensions: range
    uses_licence: bool
    title: str                # "agent", "superviseur"
    workspace: str            # where the welcome email sends them
    busy: str
    unknown: str


AGENTS = Membership(Role.AGENT, "teams", AGENT_RANGE, True, "agent", "au bandeau agent",
                    "Cet agent est en communication : attendez la fin de l'appel pour le supprimer.",
                    "Agent introuvable.")
SUPERVISORS = Membership(Role.SUPERVISOR, "tenant_settings", SUPERVISOR_RANGE, False, "superviseur",
                         "à votre espace de supervision",
                         "Ce superviseur est en communication : attendez la fin de l'appel pour le supprimer.",
                         "Superviseur introuvable.")


@dataclass(frozen=True)
class EnrolledAgent:
    user_id: int
    full_name: str
    email: str
    extension: str
    endpoint: str


def _check_form(last_name: str, first_name: str, login: str, email: str) -> None:
    if not last_name:
        raise EnrolmentError("Le nom est obligatoire.", "last_name")
    if not first_name:
        raise EnrolmentError("Le prénom est obligatoire.", "first_name")
    if not _LOGIN.match(login):
        raise EnrolmentError("L'identifiant : 2 à 40 caractères, minuscules, chiffres, point ou tiret.", "login")
    if not _EMAIL.match(email):
        raise EnrolmentError("Saisissez une adresse email valide.", "email")


def enroll_agent(ctx: AuthContext, last_name: str, first_name: str, login: str, email: str) -> EnrolledAgent:
    """Create the agent's account, SIP extension and sealed secret in one transaction, then email the
    connection settings with a link to choose a password. Refused when the plan's licences are used."""
    return enroll_member(ctx, AGENTS, last_name, first_name, login, email)


def enroll_member(ctx: AuthContext, kind: Membership, last_name: str, first_name: str, login: str,
                  email: str) -> EnrolledAgent:
    access_area(ctx, kind.area)
    last_name, first_name, login, email = (last_name.strip(), first_name.strip(), login.strip().lower(),
                                           normalise_email(email))
    _check_form(last_name, first_name, login, email)
    secret, token = new_sip_secret(), new_token()
    full_name = f"{first_name} {last_name}"
    try:
        with tenant_session(ctx) as session:
            licences = lock_plan(session, ctx.tenant_id)
            if kind.uses_licence and agents_in_use(session, ctx.tenant_id) >= licences:
                raise NoLicenceLeft(f"Toutes les licences agent de votre offre sont utilisées ({licences}). "
                                    "Libérez-en une ou ajoutez des licences dans Facturation.")
            if session.exec(select(User.id).where(User.email == email)).first():
                raise EnrolmentError("Cette adresse email a déjà un compte.", "email")
            if session.exec(select(AgentProfile.user_id).where(AgentProfile.login == login)).first():
                raise EnrolmentError("Cet identifiant est déjà pris.", "login")
            extension = next_free_extension(set(session.exec(select(AgentProfile.extension))), kind.extensions)
            if extension is None:
                raise EnrolmentError("Plus aucune extension libre dans la plage de l'instance.")
            user = User(email=email, login=login, password_hash=hash_password(new_token()),
                        full_name=full_name, role=kind.role.value, tenant_id=ctx.tenant_id)
            session.add(user)
            session.flush()
            session.add(AgentProfile(user_id=user.id, extension=extension, login=login,
                                     sip_secret_sealed=seal_secret(secret)))
            session.add(PasswordResetToken(token_hash=token_hash(token), user_id=user.id,
                                           expires_at=utcnow() + timedelta(days=WELCOME_LINK_DAYS)))
            user_id = user.id
    except IntegrityError as exc:   # two enrolments raced for the same login or email
        raise EnrolmentError("Cet identifiant ou cet email vient d'être pris ; réessayez.") from exc
    _send_welcome(ctx, kind, full_name, email, login, extension, secret, token)
    pbx_command("endpoints_changed", wait=None, tenant_slug=ctx.tenant_slug)
    return EnrolledAgent(user_id, full_name, email, extension, endpoint_name(ctx.tenant_slug, extension))


def _send_welcome(ctx: AuthContext, kind: Membership, name: str, email: str, login: str, extension: str,
                  secret: str, token: str) -> None:
    sip = connection_settings(ctx.tenant_slug, extension, secret)
    link = f"{get_settings().public_url}/reinitialiser?token={token}"
    send_email(EmailMessage(
        to=email, subject=f"Vos accès {kind.title} {ctx.tenant_name} — B-GOTOCALL",
        text=(f"Bonjour {name},\n\nVous êtes inscrit comme {kind.title} de {ctx.tenant_name} "
              f"(identifiant {login}, extension {extension}).\n\n"
              f"1. Choisissez votre mot de passe (lien valable {WELCOME_LINK_DAYS} jours) :\n{link}\n\n"
              f"2. Téléphone dans le navigateur (WebRTC) : rien à installer, connectez-vous {kind.workspace}.\n"
              f"   Adresse WebRTC : {sip['webrtc']}\n\n"
              "3. Softphone (si vous en utilisez un) :\n"
              f"   Utilisateur SIP : {sip['user']}\n   Mot de passe SIP : {sip['secret']}\n"
              f"   Domaine : {sip['domain']}\n   Réglages : {sip['softphone']}\n\n"
              "Gardez ces informations pour vous : elles donnent accès à votre poste."),
        tags={"kind": f"{kind.role.value.lower()}_enrolled"}))


def unenroll_agent(ctx: AuthContext, user_id: int) -> None:
    """Refused while the agent is in a call; otherwise: account disabled, sessions and SIP secret revoked,
    teams and skills removed, endpoint disabled on the PBX, licence freed."""
    unenroll_member(ctx, AGENTS, user_id)


def unenroll_member(ctx: AuthContext, kind: Membership, user_id: int) -> None:
    access_area(ctx, kind.area)
    try:   # logged out first, in the same step as the check, so no call is routed to them meanwhile
        before = claim_agent_state(ctx.tenant_id, user_id, AgentState.LOGGED_OUT, reason="unenrolled",
                                   unless={AgentState.IN_CALL, AgentState.RINGING})
    except AgentStateConflict as busy:
        raise AgentBusy(kind.busy) from busy
    try:
        extension = _revoke_member(ctx, kind, user_id)
    except BaseException:
        set_agent_state(ctx.tenant_id, user_id, before)     # nothing changed: they are back as they were
        raise
    if extension is not None:
        pbx_command("disable_endpoint", wait=None, tenant_slug=ctx.tenant_slug,
                    endpoint=endpoint_name(ctx.tenant_slug, extension))


def _revoke_member(ctx: AuthContext, kind: Membership, user_id: int) -> str | None:
    """The account's side of UC-RH-02, in one transaction; the freed extension."""
    with tenant_session(ctx) as session:
        user = session.exec(select(User).where(User.id == user_id, User.tenant_id == ctx.tenant_id,
                                               User.role == kind.role.value, User.is_active)).first()
        if user is None:
            raise LookupError(kind.unknown)
        profile = session.get(AgentProfile, user_id)
        user.is_active = False
        session.add(user)
        session.exec(update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
                     .values(revoked_at=utcnow()))
        session.exec(update(PasswordResetToken).where(PasswordResetToken.user_id == user_id,
                                                      PasswordResetToken.used_at.is_(None))
                     .values(used_at=utcnow()))
        extension = profile.extension if profile is not None else None
        for table in (TeamMember, AgentSkill, AgentProfile):
            session.exec(delete(table).where(table.user_id == user_id))
    return extension
