"""Forgotten password: an emailed single-use token, then a new password."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select, update

from services.db.engine import platform_session
from services.identity.audit import record_security_event
from services.identity.login import normalise_email
from services.identity.passwords import hash_password, password_problems
from services.identity.sessions import revoke_all_sessions
from services.identity.tokens import new_token, token_hash
from services.messaging.email import send_email
from services.models.columns import utcnow
from services.models.platform import PasswordResetToken, User
from services.providers.email import EmailMessage
from services.settings import get_settings

INVALID_LINK = "Ce lien de réinitialisation est invalide ou a expiré. Demandez-en un nouveau."


def request_password_reset(email: str, client_ip: str = "") -> None:
    """Email a reset link when the account exists; the caller learns nothing either way."""
    s = get_settings()
    email = normalise_email(email)
    token = new_token()
    with platform_session() as session:
        user = session.exec(select(User).where(User.email == email, User.is_active)).first()
        if user is None:
            return
        _void_outstanding_tokens(session, user.id)  # only the latest link works
        session.add(PasswordResetToken(
            token_hash=token_hash(token), user_id=user.id,
            expires_at=utcnow() + timedelta(minutes=s.reset_token_minutes)))
        name = user.full_name
    link = f"{s.public_url}/reinitialiser?token={token}"
    send_email(EmailMessage(
        to=email, subject="Réinitialisation de votre mot de passe B-GOTOCALL",
        text=(f"Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien "
              f"(valable {s.reset_token_minutes} minutes, une seule fois) :\n{link}\n\n"
              "Si vous n'êtes pas à l'origine de cette demande, ignorez cet email."),
        tags={"kind": "password_reset"}))
    record_security_event("password_reset_requested", client_ip=client_ip, email=email)


def reset_password(token: str, new_password: str) -> list[str]:
    """Set the new password; returns the reasons it was refused (empty on success)."""
    problems = password_problems(new_password)
    if problems:
        return problems
    now = utcnow()
    with platform_session() as session:
        reset = session.exec(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
            .with_for_update()).first()
        if reset is None or reset.used_at or reset.expires_at <= now:
            return [INVALID_LINK]
        _void_outstanding_tokens(session, reset.user_id)  # this one and any other link
        user = session.get(User, reset.user_id)
        user.password_hash = hash_password(new_password)
        session.add(user)
        user_id = user.id
    revoke_all_sessions(user_id)
    record_security_event("password_reset", user_id=user_id)
    return []


def _void_outstanding_tokens(session, user_id: int) -> None:
    session.exec(update(PasswordResetToken)
                 .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
                 .values(used_at=utcnow()))
