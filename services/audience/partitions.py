"""One partition of the tenant's `contact` table per list (tenant migration t0006).

An import COPYs its contacts into a bare table of its own (no index to maintain row by
row), then ATTACHes it: PostgreSQL builds the partitioned indexes on it once, sorted, and
the CHECK constraint spares the scan that would prove the partition bound. All of it in
the import's single transaction: a failed job leaves no table, no index, no contact.
"""
from __future__ import annotations

from sqlmodel import Session

from services.models.audience import ContactRecord
from services.models.columns import TENANT_SCHEMA_PLACEHOLDER

# The columns of `contact` (t0006), spelled out: `LIKE contact` would hold a lock on the
# parent for the whole import, and a list deletion waiting behind it would stall searches.
_COLUMNS = """id bigint NOT NULL DEFAULT nextval('{seq}'), list_id integer NOT NULL,
    line integer NOT NULL DEFAULT 0, nom text NOT NULL DEFAULT '', prenom text NOT NULL DEFAULT '',
    telephone text NOT NULL DEFAULT '', email text NOT NULL DEFAULT '',
    identifiant text NOT NULL DEFAULT '', extra json NOT NULL DEFAULT '{{}}',
    name_key text NOT NULL DEFAULT '', name_key_rev text NOT NULL DEFAULT ''"""
# A list deletion waits this long for the partitioned table, then says so.
DROP_LOCK_TIMEOUT = "5s"

# Memory for the index builds of one import (per transaction; the server default is 64 MB).
INDEX_BUILD_MEMORY = "256MB"


def _schema(session: Session) -> str:
    options = session.connection().get_execution_options()
    return options["schema_translate_map"][TENANT_SCHEMA_PLACEHOLDER]


def partition_name(session: Session, list_id: int) -> str:
    return f'"{_schema(session)}".{ContactRecord.__tablename__}_l{int(list_id)}'


def create_list_table(session: Session, list_id: int) -> str:
    """The bare table an import COPYs into; the qualified name."""
    table = partition_name(session, list_id)
    raw = session.connection().exec_driver_sql
    columns = _COLUMNS.format(seq=f'"{_schema(session)}".contact_id_seq')
    raw(f"CREATE TABLE {table} ({columns})")
    raw(f"ALTER TABLE {table} ADD CONSTRAINT contact_l{int(list_id)}_bound "
        f"CHECK (list_id IS NOT NULL AND list_id = {int(list_id)})")
    return table


def attach_list_table(session: Session, list_id: int) -> None:
    """Index the loaded table (at ATTACH) and give the planner its statistics."""
    table, parent = partition_name(session, list_id), f'"{_schema(session)}".contact'
    raw = session.connection().exec_driver_sql
    raw(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    raw(f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES IN ({int(list_id)})")
    raw(f"ANALYZE {table}")


def drop_list_table(session: Session, list_id: int) -> None:
    """A deleted list's contacts go at once (instead of a row-by-row cascade).

    Raises LockNotAvailable (psycopg, wrapped by SQLAlchemy) when the table stays busy.
    """
    raw = session.connection().exec_driver_sql
    raw(f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'")
    raw(f"DROP TABLE IF EXISTS {partition_name(session, list_id)}")
