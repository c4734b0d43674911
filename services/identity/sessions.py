"""Browser sessions: opened at login with a fresh token, idle and absolute expiry."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select, update

from services.db.engine import platform_session
from services.identity.access import AuthContext
from services.identity.tokens import new_token, token_hash
from services.models.columns import utcnow
from services.models.platform import AuthSession, Role, Tenant, TenantStatus, User
from services.settings import get_settings

# The cookie that carries a browser's session token (HttpOnly: page scripts never see it).
SESSION_COOKIE = "bgc_session"
# last_seen_at is written at most this often, to keep reads cheap.
_TOUCH_EVERY = timedelta(minutes=1)


def open_session(user_id: int, client_ip: str, previous_token: str = "") -> str:
    """A new token for a login; a token the browser held before is revoked (rotation)."""
    token = new_token()
    now = utcnow()
    with platform_session() as session:
        if previous_token:
            _revoke(session, AuthSession.token_hash == token_hash(previous_token))
        session.add(AuthSession(
            token_hash=token_hash(token), user_id=user_id, client_ip=client_ip[:64],
            created_at=now, last_seen_at=now,
            expires_at=now + timedelta(hours=get_settings().session_max_hours),
        ))
    return token


def resolve_session(token: str, client_ip: str = "") -> AuthContext | None:
    """The context of a live session, or None when unknown, revoked, expired or disabled."""
    if not token:
        return None
    now = utcnow()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    with platform_session() as session:
        row = session.exec(
            select(AuthSession, User, Tenant)
            .join(User, User.id == AuthSession.user_id)
            .join(Tenant, Tenant.id == User.tenant_id, isouter=True)
            .where(AuthSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        auth, user, tenant = row
        if (auth.revoked_at or auth.expires_at <= now or auth.last_seen_at + idle <= now
                or not user.is_active or not _tenant_usable(user, tenant)):
            return None
        if now - auth.last_seen_at > _TOUCH_EVERY:
            auth.last_seen_at = now
            session.add(auth)
        return context_of(user, tenant, client_ip)


def _tenant_usable(user: User, tenant: Tenant | None) -> bool:
    if user.role == Role.SUPER_ADMIN.value:
        return True
    return tenant is not None and tenant.status != TenantStatus.SUSPENDED.value


def context_of(user: User, tenant: Tenant | None, client_ip: str = "") -> AuthContext:
    return AuthContext(
        user_id=user.id, email=user.email, full_name=user.full_name, role=Role(user.role),
        tenant_id=tenant.id if tenant else None,
        tenant_slug=tenant.slug if tenant else None,
        tenant_schema=tenant.schema_name if tenant else None,
        tenant_name=tenant.name if tenant else None,
        language=user.language, client_ip=client_ip,
    )


def close_session(token: str) -> None:
    if token:
        with platform_session() as session:
            _revoke(session, AuthSession.token_hash == token_hash(token))


def revoke_all_sessions(user_id: int) -> None:
    with platform_session() as session:
        _revoke(session, AuthSession.user_id == user_id)


def _revoke(session, condition) -> None:
    session.exec(update(AuthSession).where(condition, AuthSession.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))
