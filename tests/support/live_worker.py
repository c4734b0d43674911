"""A web worker's live side without its sockets: a real Redis state manager with leases, the
worker's deliveries, and a stub of the socket layer (which the tests do not run) that says this
worker holds the tab's socket and keeps the deltas of the packets queued on it."""
from __future__ import annotations

import contextlib
import uuid
from types import SimpleNamespace

import redis.asyncio as aioredis
from reflex.istate.manager.redis import StateManagerRedis

from bgotocall.live import live_deliveries
from services.settings import get_settings

INSTANCE = "this-worker"


class _Namespace:
    def __init__(self, token: str):
        self._token_manager = SimpleNamespace(
            instance_id=INSTANCE, token_to_socket={token: SimpleNamespace(instance_id=INSTANCE, sid="sid-1")})
        self.namespace = "/_event"
        self.sent: list[dict] = []
        self.server = SimpleNamespace(
            manager=SimpleNamespace(eio_sid_from_sid=lambda sid, namespace: f"eio-{sid}"),
            packet_class=lambda kind, namespace, data: SimpleNamespace(encode=lambda: data[1]),
            eio=SimpleNamespace(send=self._send))

    async def _send(self, eio_sid, update):
        self.sent.append(update.delta)

    def socket_left(self, token: str) -> None:
        self._token_manager.token_to_socket.pop(token, None)


@contextlib.asynccontextmanager
async def live_worker(hold_ms: int, lock_expiration_ms: int = 10_000):
    """One tab's worker: .token, .manager, .app, .deliveries."""
    token = str(uuid.uuid4())
    manager = StateManagerRedis(redis=aioredis.Redis.from_url(get_settings().redis_url),
                                oplock_hold_time_ms=hold_ms, lock_expiration=lock_expiration_ms,
                                lock_warning_threshold=lock_expiration_ms // 2)
    manager._oplock_enabled = True
    await manager._ensure_lock_task_subscribed(timeout=10)   # as a worker is before its first tab
    app = SimpleNamespace(state_manager=manager, event_namespace=_Namespace(token))
    deliveries = live_deliveries(app)
    try:
        yield SimpleNamespace(token=token, manager=manager, app=app, deliveries=deliveries)
    finally:
        await deliveries.aclose()
        await manager.close()
