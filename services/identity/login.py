"""Logging in with an email or a login, and a password."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlmodel import select

from services.db.engine import platform_session
from services.identity import throttle
from services.identity.access import AuthContext
from services.identity.audit import record_security_event
from services.identity.passwords import verify_password
from services.identity.sessions import context_of, open_session
from services.models.platform import Tenant, User

WRONG_CREDENTIALS = "Email ou mot de passe incorrect."


@dataclass(frozen=True)
class LoginResult:
    token: str = ""
    context: AuthContext | None = None
    error: str = ""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _account(session, email_or_login: str, only_tenant_id: int | None):
    """The account (and its tenant) an email or a login names. A login is unique per tenant only:
    on the platform's own address, one shared by several tenants names nobody (use the email)."""
    query = select(User, Tenant).join(Tenant, Tenant.id == User.tenant_id, isouter=True)
    if "@" in email_or_login:
        return session.exec(query.where(User.email == email_or_login)).first()
    query = query.where(User.login == email_or_login)
    if only_tenant_id is not None:
        query = query.where(User.tenant_id == only_tenant_id)
    rows = session.exec(query.limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def log_in(email: str, password: str, client_ip: str, previous_token: str = "",
           only_tenant_id: int | None = None) -> LoginResult:
    """`email`: the account's email or its login. `only_tenant_id`: on a tenant's subdomain,
    other accounts get WRONG_CREDENTIALS."""
    email = normalise_email(email)
    if not email or not password:
        return LoginResult(error="Saisissez votre email et votre mot de passe.")
    blocked = throttle.count_login_attempt(email, client_ip)
    if blocked:
        minutes = math.ceil(blocked.retry_after_seconds / 60)
        record_security_event("login_throttled", client_ip=client_ip, email=email)
        return LoginResult(error=f"Trop de tentatives échouées. Réessayez dans {minutes} min.")
    with platform_session() as session:
        row = _account(session, email, only_tenant_id)
    user, tenant = row if row else (None, None)
    elsewhere = only_tenant_id is not None and (user is None or user.tenant_id != only_tenant_id)
    if not verify_password(user.password_hash if user else None, password) or not user.is_active \
            or elsewhere:
        record_security_event("login_failed", user_id=user.id if user else None,
                              client_ip=client_ip, email=email)
        return LoginResult(error=WRONG_CREDENTIALS)
    throttle.forgive_login_attempt(email, client_ip)
    ctx = context_of(user, tenant, client_ip)
    if ctx.role.value != "SUPER_ADMIN" and tenant and tenant.status == "SUSPENDED":
        return LoginResult(error="Cette instance est suspendue. Contactez le support.")
    token = open_session(user.id, client_ip, previous_token)
    record_security_event("login", user_id=user.id, tenant_id=ctx.tenant_id, client_ip=client_ip)
    return LoginResult(token=token, context=ctx)
