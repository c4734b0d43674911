"""Import jobs that died mid-way (a killed worker, a lost host): the scheduler's tick.

A killed job's transaction is rolled back by PostgreSQL, so its contacts never exist; only
its list stays "En cours". A list is declared failed when its heartbeat is older than
`stale_after` AND no job holds it: the job's advisory lock (services.audience.injection
`_claim`) is taken here in the same transaction as the update, so a job that is alive (or
that starts meanwhile) is never failed under its feet, and one that starts later sees
"Échec" and stops.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, text, update
from sqlmodel import Session

from services.audience.imports import imports_dir
from services.db.engine import get_engine
from services.db.tenancy import all_tenant_schemas, tenant_session
from services.identity.system import system_context
from services.models.audience import ContactList, ListStatus
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
STALE_REASON = ("L'import s'est interrompu avant la fin (traitement arrêté) : aucun contact "
                "n'a été ajouté. Relancez l'import de ce fichier.")


def _tenants_with_lists() -> list[int]:
    schemas = set(all_tenant_schemas())
    with Session(get_engine()) as session:
        rows = session.execute(select(Tenant.id, Tenant.schema_name).where(
            Tenant.status != TenantStatus.SUSPENDED.value)).all()
    return [tenant_id for tenant_id, schema in rows if schema in schemas]


def fail_stale_imports(stale_after: timedelta = STALE_AFTER, now: datetime | None = None) -> int:
    """Mark "Échec" every list stuck "En cours" whose job is gone; the number marked."""
    cutoff = (now or utcnow()) - stale_after
    failed = 0
    for tenant_id in _tenants_with_lists():
        ctx = system_context(tenant_id)
        with tenant_session(ctx) as session:
            stuck = session.execute(select(ContactList.id).where(
                ContactList.status == ListStatus.EN_COURS.value,
                ContactList.heartbeat_at < cutoff)).scalars().all()
        for list_id in stuck:
            if _fail_if_abandoned(ctx, list_id, cutoff):
                imports_dir(ctx).joinpath(f"liste-{list_id}.rejets.part").unlink(missing_ok=True)
                log.warning("contact import %s of tenant %s abandoned: marked failed",
                            list_id, tenant_id)
                failed += 1
    return failed


def _fail_if_abandoned(ctx, list_id: int, cutoff: datetime) -> bool:
    with tenant_session(ctx) as session:
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:t, :l)"),
                               {"t": ctx.tenant_id, "l": list_id}).scalar():
            return False  # a job holds it: alive, however slow its source
        done = session.execute(update(ContactList).where(
            ContactList.id == list_id, ContactList.status == ListStatus.EN_COURS.value,
            ContactList.heartbeat_at < cutoff).values(
            status=ListStatus.ECHEC.value, failure_reason=STALE_REASON, finished_at=utcnow()))
        return done.rowcount == 1
