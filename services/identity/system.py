"""Contexts for work that runs without a browser (workers, provider webhooks).

A job stores the tenant id (and the user who started it); the worker rebuilds the context
from the platform tables exactly as a browser session does (`sessions.context_of`), so a
suspended tenant or a disabled user stops its jobs too.
"""
from __future__ import annotations

from sqlmodel import select

from services.db.engine import platform_session
from services.identity.access import AuthContext
from services.identity.sessions import context_of
from services.models.platform import Role, Tenant, TenantStatus, User


def system_context(tenant_id: int, user_id: int | None = None) -> AuthContext:
    """The context of `user_id` in `tenant_id`, or of the tenant itself (an admin-level
    system actor, user id 0) for events with no user (an SMS "STOP", a webhook).

    Raises PermissionError for an unknown or suspended tenant, or a user who is not (or
    no longer) an active member of it.
    """
    with platform_session() as session:
        tenant = session.get(Tenant, tenant_id)
        if tenant is None or tenant.status == TenantStatus.SUSPENDED.value:
            raise PermissionError("Instance inconnue ou suspendue.")
        if user_id is None:
            return AuthContext(user_id=0, email="", full_name="Système", role=Role.ADMIN,
                               tenant_id=tenant.id, tenant_slug=tenant.slug,
                               tenant_schema=tenant.schema_name, tenant_name=tenant.name)
        user = session.exec(select(User).where(User.id == user_id,
                                               User.tenant_id == tenant_id)).first()
        if user is None or not user.is_active:
            raise PermissionError("Compte inconnu ou désactivé.")
        return context_of(user, tenant)


def tenant_country(ctx: AuthContext) -> str:
    """The tenant's country (ISO 3166 alpha-2): the default region of national numbers."""
    with platform_session() as session:
        tenant = session.get(Tenant, ctx.tenant_id)
        if tenant is None:
            raise PermissionError("Instance inconnue.")
        return tenant.country
