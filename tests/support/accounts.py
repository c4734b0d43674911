"""Tenants and accounts made for a test, with unique names."""
from __future__ import annotations

import uuid

from services.db.tenancy import create_tenant
from services.identity.login import log_in
from services.identity.sessions import resolve_session
from services.models.platform import Role, Tenant
from services.platform.users import create_user

PASSWORD = "Test-password-1"


def new_tenant(country: str = "CM", currency: str = "XAF") -> Tenant:
    slug = "t" + uuid.uuid4().hex[:10]
    return create_tenant(slug, f"Société {slug}", country, currency)


def new_user(tenant: Tenant | None, role: Role, password: str = PASSWORD) -> str:
    email = f"{role.value.lower()}-{uuid.uuid4().hex[:8]}@example-corp.cm"
    create_user(email, password, f"Test {role.value.title()}", role,
                tenant.id if tenant else None)
    return email


def context_for(tenant: Tenant | None, role: Role):
    """A logged-in context, obtained as the app obtains it: login, then the session."""
    email = new_user(tenant, role)
    result = log_in(email, PASSWORD, "10.9.9.9")
    return resolve_session(result.token)


def choose_password(user_id: int, password: str = PASSWORD) -> None:
    """What the enrolment email's link lets a new agent do (the link is walked in the browser tests)."""
    from services.db.engine import platform_session
    from services.identity.passwords import hash_password
    from services.models.platform import User

    with platform_session() as session:
        session.get(User, user_id).password_hash = hash_password(password)
