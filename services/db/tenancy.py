"""Tenant schemas: naming, provisioning, and the one way into a tenant's data."""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlmodel import Session, select

from services.db.engine import get_engine, platform_session
from services.db import migrations
from services.models.columns import TENANT_SCHEMA_PLACEHOLDER
from services.models.platform import Tenant, TenantStatus

_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


class TenantError(ValueError):
    pass


def schema_for_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise TenantError(f"Identifiant d'instance invalide : {slug!r}")
    return "tenant_" + slug.replace("-", "_")


def create_tenant(slug: str, name: str, country: str, currency: str,
                  status: TenantStatus = TenantStatus.ACTIVE,
                  revision: str = "head") -> Tenant:
    """Record a tenant and create its schema at the given migration revision."""
    schema = schema_for_slug(slug)
    with platform_session() as session:
        if session.exec(select(Tenant).where(Tenant.slug == slug)).first():
            raise TenantError(f"L'identifiant {slug!r} est déjà pris.")
        tenant = Tenant(slug=slug, name=name, country=country.upper(),
                        currency=currency.upper(), status=status.value, schema_name=schema)
        session.add(tenant)
    provision_schema(schema, revision)
    return tenant


def provision_schema(schema: str, revision: str = "head") -> None:
    with get_engine().begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    migrations.upgrade_tenant(schema, revision)


def _bind_to_schema(schema: str) -> Session:
    engine = get_engine().execution_options(
        schema_translate_map={TENANT_SCHEMA_PLACEHOLDER: schema}
    )
    return Session(engine, expire_on_commit=False)


@contextmanager
def tenant_session(ctx) -> Iterator[Session]:
    """The only way into tenant data: a session bound to the caller's own schema.

    `ctx` is an authenticated context (services.identity.access.AuthContext);
    a context without a tenant (the super admin) has no tenant data to reach.
    """
    if not getattr(ctx, "tenant_schema", None):
        raise PermissionError("Ce compte n'est rattaché à aucune instance.")
    session = _bind_to_schema(ctx.tenant_schema)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def all_tenant_schemas() -> list[str]:
    """Schemas of the tenants provisioned so far: a tenant awaiting payment has none yet, and one
    being created has its schema before its tables (its migrations, version table included, commit
    in one transaction), which the scheduler's rounds would otherwise query."""
    with Session(get_engine()) as session:
        existing = set(session.exec(text(
            "SELECT n.nspname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'alembic_version' AND c.relkind = 'r'")).scalars())
        names = session.exec(select(Tenant.schema_name).order_by(Tenant.id))
        return [name for name in names if name in existing]
