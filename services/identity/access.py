"""Who is asking: the authenticated context, the access matrix, and `access_*` checks."""
from __future__ import annotations

from dataclasses import dataclass

from services.models.platform import Role


@dataclass(frozen=True)
class AuthContext:
    user_id: int
    email: str
    full_name: str
    role: Role
    tenant_id: int | None
    tenant_slug: str | None
    tenant_schema: str | None
    tenant_name: str | None
    language: str = "fr"
    client_ip: str = ""


class AccessDenied(PermissionError):
    """The caller's role or tenant does not allow this; the answer never says more."""


# The seed's access matrix, by area of the product.
AREAS: dict[str, frozenset[Role]] = {
    "platform": frozenset({Role.SUPER_ADMIN}),
    "billing": frozenset({Role.SUPER_ADMIN, Role.ADMIN}),
    "tenant_settings": frozenset({Role.ADMIN}),
    "campaigns": frozenset({Role.ADMIN, Role.SUPERVISOR}),
    "teams": frozenset({Role.ADMIN, Role.SUPERVISOR}),
    "audience": frozenset({Role.ADMIN, Role.SUPERVISOR}),
    "contacts": frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT}),  # contact search
    "supervision": frozenset({Role.ADMIN, Role.SUPERVISOR}),
    "agent_panel": frozenset({Role.AGENT}),
}

HOME_BY_ROLE: dict[Role, str] = {
    Role.SUPER_ADMIN: "/plateforme",
    Role.ADMIN: "/tableau-de-bord",
    Role.SUPERVISOR: "/supervision",
    Role.AGENT: "/bandeau",
}


def can_access(ctx: AuthContext | None, area: str) -> bool:
    """Role allowed by the matrix, and a tenant for every area but the platform's."""
    return (ctx is not None and ctx.role in AREAS[area]
            and (area == "platform" or ctx.tenant_schema is not None))


def access_area(ctx: AuthContext | None, area: str) -> AuthContext:
    """Return the context when it may use `area`, else raise AccessDenied."""
    if not can_access(ctx, area):
        raise AccessDenied(area)
    return ctx


def home_of(ctx: AuthContext) -> str:
    return HOME_BY_ROLE[ctx.role]
