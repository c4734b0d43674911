"""Tables of the `platform` schema: what spans tenants."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.models.columns import PLATFORM_SCHEMA, timestamp


class Role(str, enum.Enum):
    SUPER_ADMIN = "SUPER_ADMIN"
    ADMIN = "ADMIN"
    SUPERVISOR = "SUPERVISOR"
    AGENT = "AGENT"


class TenantStatus(str, enum.Enum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


class Tenant(SQLModel, table=True):
    __tablename__ = "tenant"
    __table_args__ = {"schema": PLATFORM_SCHEMA}

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=40)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2)
    currency: str = Field(max_length=3)
    status: str = Field(default=TenantStatus.PENDING_PAYMENT.value, max_length=20)
    schema_name: str = Field(unique=True, max_length=63)
    created_at: datetime = timestamp()


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = {"schema": PLATFORM_SCHEMA}

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=254)
    login: Optional[str] = Field(default=None, max_length=40)  # unique per tenant; set at enrolment
    password_hash: str
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    tenant_id: Optional[int] = Field(default=None, foreign_key="platform.tenant.id", index=True)
    is_active: bool = True
    language: str = Field(default="fr", max_length=2)
    created_at: datetime = timestamp()


class AuthSession(SQLModel, table=True):
    """A browser login. Only a hash of the token is stored."""

    __tablename__ = "auth_session"
    __table_args__ = {"schema": PLATFORM_SCHEMA}

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="platform.user_account.id", index=True)
    client_ip: str = Field(default="", max_length=64)
    created_at: datetime = timestamp()
    last_seen_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    revoked_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class PasswordResetToken(SQLModel, table=True):
    __tablename__ = "password_reset_token"
    __table_args__ = {"schema": PLATFORM_SCHEMA}

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="platform.user_account.id", index=True)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    used_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class SecurityEvent(SQLModel, table=True):
    """Audit trail of security-relevant facts: logins, refusals, forged events."""

    __tablename__ = "security_event"
    __table_args__ = {"schema": PLATFORM_SCHEMA}

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = timestamp()
    kind: str = Field(max_length=40, index=True)
    user_id: Optional[int] = Field(default=None, index=True)
    tenant_id: Optional[int] = Field(default=None, index=True)
    client_ip: str = Field(default="", max_length=64)
    detail: dict = Field(default_factory=dict, sa_type=JSON)
