"""Migrations: an empty database reaches head; an old tenant is upgraded with the rest; a tenant
whose tables are not there yet is left out of the rounds over every tenant."""
import pytest
from sqlalchemy import inspect, text

from services.db import migrations
from services.db.engine import get_engine, platform_session
from services.db.tenancy import (TenantError, all_tenant_schemas, create_tenant, provision_schema,
                                 schema_for_slug)
from services.models.platform import Tenant, TenantStatus


def _columns(schema: str, table: str) -> set[str]:
    with get_engine().connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table, schema=schema)}


def test_empty_database_has_platform_tables_at_head():
    with get_engine().connect() as conn:
        version = conn.execute(text("SELECT version_num FROM platform.alembic_version")).scalar()
        tables = set(inspect(conn).get_table_names(schema="platform"))
    assert version == migrations.platform_head()
    assert {"tenant", "user_account", "auth_session", "password_reset_token",
            "security_event"} <= tables


def test_new_tenant_is_created_at_head():
    tenant = create_tenant("mig-fresh", "Fresh", "FR", "EUR")
    assert migrations.tenant_revision(tenant.schema_name) == migrations.tenant_head()
    assert "description" in _columns(tenant.schema_name, "team")


def test_tenant_at_older_revision_is_upgraded_with_the_rest():
    old = create_tenant("mig-old", "Old", "SN", "XOF", revision="t0001")
    assert migrations.tenant_revision(old.schema_name) == "t0001"
    assert "description" not in _columns(old.schema_name, "team")

    upgraded = migrations.upgrade_all()

    assert old.schema_name in upgraded
    assert migrations.tenant_revision(old.schema_name) == migrations.tenant_head()
    assert "description" in _columns(old.schema_name, "team")


def test_upgrading_a_tenant_at_head_changes_nothing():
    tenant = create_tenant("mig-twice", "Twice", "CM", "XAF")
    provision_schema(tenant.schema_name)
    assert migrations.tenant_revision(tenant.schema_name) == migrations.tenant_head()


@pytest.mark.parametrize("slug", ["A", "x;drop", "-abc", "tenant name", "a" * 41])
def test_malformed_slugs_are_refused(slug):
    with pytest.raises(TenantError):
        schema_for_slug(slug)


def test_taken_slug_is_refused():
    create_tenant("mig-taken", "Taken", "CM", "XAF")
    with pytest.raises(TenantError, match="déjà pris"):
        create_tenant("mig-taken", "Again", "CM", "XAF")


def test_a_tenant_whose_migrations_have_not_committed_is_left_out_of_the_rounds():
    schema = schema_for_slug("mig-creating")
    with platform_session() as session:     # recorded, its schema made, its migrations under way
        session.add(Tenant(slug="mig-creating", name="Creating", country="CM", currency="XAF",
                           status=TenantStatus.ACTIVE.value, schema_name=schema))
    with get_engine().begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    assert schema not in all_tenant_schemas()

    provision_schema(schema)

    assert schema in all_tenant_schemas()
