"""Run Alembic for the platform schema and for every tenant schema."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from services.db.engine import get_engine
from services.settings import REPO_ROOT

ALEMBIC_INI = REPO_ROOT / "alembic.ini"


def _config(level: str, connection, schema: str | None = None) -> Config:
    cfg = Config(str(ALEMBIC_INI), ini_section=level)
    cfg.set_main_option("script_location", str(REPO_ROOT / "alembic" / level))
    cfg.attributes["connection"] = connection
    cfg.attributes["tenant_schema"] = schema
    return cfg


def upgrade_platform(revision: str = "head") -> None:
    with get_engine().begin() as conn:
        conn.execute(text('CREATE SCHEMA IF NOT EXISTS "platform"'))
        command.upgrade(_config("platform", conn), revision)


def upgrade_tenant(schema: str, revision: str = "head") -> None:
    with get_engine().begin() as conn:
        command.upgrade(_config("tenant", conn, schema), revision)


def tenant_revision(schema: str) -> str | None:
    with get_engine().connect() as conn:
        if not inspect(conn).has_table("alembic_version", schema=schema):
            return None
        return conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar()


def upgrade_all() -> list[str]:
    """Platform first, then each existing tenant; returns the tenant schemas upgraded."""
    from services.db.tenancy import all_tenant_schemas

    upgrade_platform()
    schemas = all_tenant_schemas()
    for schema in schemas:
        upgrade_tenant(schema)
    return schemas


def _head(level: str) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(REPO_ROOT / "alembic" / level)).get_current_head()


def platform_head() -> str:
    return _head("platform")


def tenant_head() -> str:
    return _head("tenant")
