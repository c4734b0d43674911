from datetime import timedelta

from sqlmodel import select

from services.db.engine import platform_session
from services.identity.login import log_in
from services.identity.sessions import close_session, resolve_session
from services.identity.tokens import token_hash
from services.models.columns import utcnow
from services.models.platform import AuthSession, Role, Tenant, TenantStatus
from tests.support.accounts import PASSWORD, new_tenant, new_user


def _login(email: str, previous: str = "") -> str:
    return log_in(email, PASSWORD, "10.4.0.1", previous_token=previous).token


def _shift(token: str, **fields) -> None:
    with platform_session() as s:
        row = s.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(token))).one()
        for name, value in fields.items():
            setattr(row, name, value)
        s.add(row)


def test_login_rotates_the_token_the_browser_held():
    email = new_user(new_tenant(), Role.ADMIN)
    first = _login(email)
    second = _login(email, previous=first)
    assert first != second
    assert resolve_session(first) is None
    assert resolve_session(second).email == email


def test_logout_ends_the_session():
    token = _login(new_user(new_tenant(), Role.ADMIN))
    close_session(token)
    assert resolve_session(token) is None


def test_idle_and_absolute_expiry():
    email = new_user(new_tenant(), Role.AGENT)
    idle, old = _login(email), _login(email)
    _shift(idle, last_seen_at=utcnow() - timedelta(hours=3))
    _shift(old, expires_at=utcnow() - timedelta(seconds=1))
    assert resolve_session(idle) is None
    assert resolve_session(old) is None
    assert resolve_session(_login(email)) is not None


def test_unknown_token_and_suspended_tenant_give_no_context():
    tenant = new_tenant()
    token = _login(new_user(tenant, Role.SUPERVISOR))
    assert resolve_session("forged-token") is None
    assert resolve_session("") is None
    with platform_session() as s:
        row = s.get(Tenant, tenant.id)
        row.status = TenantStatus.SUSPENDED.value
        s.add(row)
    assert resolve_session(token) is None


def test_super_admin_has_no_tenant():
    ctx = resolve_session(_login(new_user(None, Role.SUPER_ADMIN)))
    assert ctx.role is Role.SUPER_ADMIN
    assert ctx.tenant_schema is None
