"""The scheduler's messaging tick, per tenant: settle the runs that died, queue what is due,
and start sending runs on the workers when something is due.

Runs are started at most once per START_EVERY_SECONDS and tenant (a Redis key), SENDERS at a
time; each run claims its own batches (SKIP LOCKED), so several runs share the work and an
extra run just finds nothing.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import exists, func, select

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.infra.redis import get_redis
from services.messaging.reconcile import reconcile_in_flight
from services.messaging.sequencer import sequence_tenant
from services.models.interactions import Interaction
from services.models.platform import Tenant, TenantStatus

log = logging.getLogger("services.messaging.dispatch")

SENDERS = 2  # runs at a time per tenant: the workers' other queues keep threads
START_EVERY_SECONDS = 2
SEQUENCE_EVERY_SECONDS = 60


def _something_due(ctx) -> bool:
    """Due and sendable as a run claims it: a paused campaign's queued attempts start no run."""
    from services.messaging.sending import sendable

    t = Interaction.__table__
    with tenant_session(ctx) as s:
        return bool(s.execute(select(exists().where(*sendable(), t.c.next_try_at <= func.now()))).scalar())


def start_senders(tenant_id: int, force: bool = False) -> int:
    from services.workers.messaging import send_due

    if not force and not get_redis().set(f"bgc:senders-started:{tenant_id}", 1, nx=True,
                                         ex=START_EVERY_SECONDS):
        return 0
    for _ in range(SENDERS):
        send_due.send(tenant_id)
    return SENDERS


def _sequencing_due(tenant_id: int) -> bool:
    """Sequencing reads every contact of the LIVE campaigns: once a minute is enough to pick
    up contacts added to their lists; a launch or a resume sequences at once."""
    return bool(get_redis().set(f"bgc:sequenced:{tenant_id}", 1, nx=True,
                                ex=SEQUENCE_EVERY_SECONDS))


def dispatch_tenant(tenant_id: int, launched: bool = False) -> int:
    ctx = system_context(tenant_id)
    settled = reconcile_in_flight(ctx)
    queued = sequence_tenant(ctx) if launched or _sequencing_due(tenant_id) else 0
    if _something_due(ctx):
        start_senders(tenant_id, force=bool(queued))
    return settled + queued


def dispatch_all(stop: threading.Event | None = None) -> int:
    """The scheduler's tick over every active, provisioned tenant (until `stop` is set)."""
    from services.db.tenancy import all_tenant_schemas

    schemas = set(all_tenant_schemas())
    with platform_session() as s:
        tenants = s.execute(select(Tenant.id, Tenant.schema_name).where(
            Tenant.status == TenantStatus.ACTIVE.value)).all()
    done = 0
    for tenant_id, schema in tenants:
        if stop is not None and stop.is_set():
            break
        if schema not in schemas:
            continue
        try:
            done += dispatch_tenant(tenant_id)
        except Exception:  # one tenant's trouble stops no other
            log.exception("messaging tick failed for tenant %s", tenant_id)
    return done
