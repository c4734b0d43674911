"""The stack's Dramatiq processes serve every queue an actor sends to, each queue by one process."""
from __future__ import annotations

from services.stack.processes import BULK_QUEUES, CONTROL_QUEUES


def test_every_actor_queue_is_served_by_exactly_one_worker_process():
    import services.workers  # noqa: F401  (declares every actor's queue)
    from services.workers.broker import broker

    declared = {q for q in broker.get_declared_queues() if not q.endswith(".DQ")}
    assert declared == set(BULK_QUEUES) | set(CONTROL_QUEUES)
    assert not set(BULK_QUEUES) & set(CONTROL_QUEUES)
