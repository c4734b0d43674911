"""Accounts of the platform and of tenants."""
from __future__ import annotations

from sqlmodel import select

from services.db.engine import platform_session
from services.identity.login import normalise_email
from services.identity.passwords import hash_password
from services.models.platform import Role, User


def create_user(email: str, password: str, full_name: str, role: Role,
                tenant_id: int | None) -> User:
    if (role is Role.SUPER_ADMIN) != (tenant_id is None):
        raise ValueError("Only the super admin has no tenant.")
    user = User(email=normalise_email(email), password_hash=hash_password(password),
                full_name=full_name, role=role.value, tenant_id=tenant_id)
    with platform_session() as session:
        session.add(user)
    return user


def find_user(email: str) -> User | None:
    with platform_session() as session:
        return session.exec(select(User).where(User.email == normalise_email(email))).first()
