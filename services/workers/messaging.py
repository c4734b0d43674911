"""Worker side of campaign messaging: sequencing and sending runs (services/messaging)."""
from __future__ import annotations

import dramatiq

from services.workers import broker  # noqa: F401  (the broker must exist before actors)

# The messaging queue has a worker process of its own (services/stack/processes.py); in it, a STOP
# confirmation goes before the bulk runs (a worker takes higher priority numbers last).
BULK = 100

# A run stops after services.messaging.sending.RUN_SECONDS and the scheduler starts the next;
# a run that dies leaves its attempts to reconciliation, so a Dramatiq retry is not needed.
@dramatiq.actor(queue_name="messaging", max_retries=0, time_limit=5 * 60 * 1000, priority=BULK)
def send_due(tenant_id: int) -> None:
    from services.messaging.sending import send_due as run

    run(tenant_id)


@dramatiq.actor(queue_name="messaging", max_retries=0, priority=BULK)
def sequence_and_send(tenant_id: int) -> None:
    """"Propager l'OS": queue the due attempts of the tenant's LIVE campaigns, start senders."""
    from services.messaging.dispatch import dispatch_tenant

    dispatch_tenant(tenant_id, launched=True)


@dramatiq.actor(queue_name="messaging", max_retries=0)
def confirm_stop(tenant_id: int, phone: str, our_number: str) -> None:
    """The STOP confirmation SMS, when the tenant enables it (sent once per phone)."""
    from services.messaging.stop_confirmation import confirm_stop as send

    send(tenant_id, phone, our_number)
