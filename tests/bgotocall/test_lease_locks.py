"""A web worker's leases held for minutes over Redis locks that lapse in a second unless it renews
them (bgotocall/lease_locks.py), on a real Redis state manager: a lease outlives its lock's
expiration, a tab whose socket left is let go and written back, a lease whose lock another holder
took is let go without writing, and while Redis is away no lease outlives its lock. Each forked
worker waits for a tab under its own name, so two workers wanting one tab at once both get it."""
import asyncio
import os
import time
from types import SimpleNamespace

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.backoff import NoBackoff
import reflex as rx
from reflex.istate.manager.redis import StateManagerRedis
from reflex.state import BaseState

from bgotocall import lease_locks
from bgotocall.live import holds_socket
from bgotocall.state.voice import VoiceState
from services.live.events import LiveEvent
from tests.support.live_worker import live_worker
from tests.support.ports import free_port
from tests.support.waiting import until

HOLD_MS = 400
LOCK_MS = 600


@pytest.fixture
async def worker(monkeypatch):
    monkeypatch.setattr(lease_locks, "RENEW_SECONDS", 0.1)
    monkeypatch.setattr(lease_locks, "LEASE_SECONDS", 60)
    async with live_worker(HOLD_MS, LOCK_MS) as worker:
        worker.holds = lambda token: holds_socket(worker.app, token) is True
        yield worker


@pytest.fixture
async def keeper(worker):
    task = asyncio.create_task(lease_locks.keep_lease_locks(worker.manager, worker.holds))
    await asyncio.sleep(0)      # its first round, with no lease yet: new leases are held long
    yield task
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _state_change(state: str) -> LiveEvent:
    return LiveEvent(("t:1:user:0",), "agent_state", {"user_id": 0, "state": state, "since": time.time()})


def _lock_key(token: str) -> bytes:
    return StateManagerRedis._lock_key(rx.BaseStateToken(ident=token, cls=rx.State))


async def _stored_state(manager, token: str) -> str | None:
    raw = await manager.redis.get(rx.BaseStateToken(ident=token, cls=VoiceState)._state_key(VoiceState))
    return BaseState._deserialize(data=raw).my_state if raw else None


async def _pushed(worker, state: str) -> asyncio.Task:
    await worker.deliveries.run({worker.token: [_state_change(state)]})
    assert worker.app.event_namespace.sent[-1][VoiceState.get_full_name()]["my_state_rx_state_"] == state
    return worker.manager._local_leases[worker.token]


async def test_a_lease_outlives_its_lock_expiration_while_the_worker_renews_the_lock(worker, keeper):
    lease = await _pushed(worker, "PAUSED")
    lock_id = await worker.manager.redis.get(_lock_key(worker.token))
    assert worker.manager.oplock_hold_time_ms >= 40_000

    await asyncio.sleep(3 * LOCK_MS / 1000)      # three lock expirations pass

    assert not lease.done() and worker.manager._local_leases[worker.token] is lease
    assert await worker.manager.redis.get(_lock_key(worker.token)) == lock_id
    assert 0 < await worker.manager.redis.pttl(_lock_key(worker.token)) <= LOCK_MS
    assert await _pushed(worker, "READY") is lease       # applied in memory, under the same lease


async def test_a_tab_whose_socket_left_is_let_go_and_written_back(worker):
    lease = await _pushed(worker, "PAUSED")
    assert await _stored_state(worker.manager, worker.token) != "PAUSED"     # held in memory

    worker.app.event_namespace.socket_left(worker.token)
    await lease_locks.renew_lease_locks(worker.manager, worker.holds)
    await asyncio.wait([lease], timeout=5)

    assert lease.done() and worker.token not in worker.manager._local_leases
    assert await _stored_state(worker.manager, worker.token) == "PAUSED"
    assert not await worker.manager.redis.exists(_lock_key(worker.token))


async def test_a_lease_whose_lock_another_holder_took_is_let_go_without_writing(worker):
    lease = await _pushed(worker, "PAUSED")
    # Its lock lapsed and another worker took it (for a moment: the tab is then taken again here).
    await worker.manager.redis.set(_lock_key(worker.token), b"another-worker", px=300)

    await lease_locks.renew_lease_locks(worker.manager, worker.holds)
    await asyncio.wait([lease], timeout=5)

    assert lease.done()
    assert await _stored_state(worker.manager, worker.token) != "PAUSED"     # fenced: not written


async def test_while_redis_is_away_leases_are_let_go_before_their_locks_lapse(worker, keeper):
    lease = await _pushed(worker, "PAUSED")
    reachable = worker.manager.redis
    worker.manager.redis = aioredis.Redis(port=free_port(), retry=Retry(NoBackoff(), 0))
    try:
        started = time.monotonic()
        await asyncio.wait([lease], timeout=5)
        assert lease.done()
        assert time.monotonic() - started < LOCK_MS / 1000      # before the lock would have lapsed
        assert isinstance(lease.exception(), RedisConnectionError)  # its write-back could not reach Redis
        assert worker.manager._bgc_hold_ms["ms"] == HOLD_MS     # new leases: Reflex's hold again
    finally:
        await worker.manager.redis.aclose()
        worker.manager.redis = reachable


def test_a_worker_forked_from_the_supervisor_waits_for_tabs_under_a_name_of_its_own():
    manager = StateManagerRedis(redis=aioredis.Redis())     # built before the fork, as Reflex does
    lease_locks.give_each_worker_its_lock_identity(SimpleNamespace(_state_manager=manager))
    read, write = os.pipe()
    child = os.fork()
    if child == 0:                                          # the worker
        os.write(write, manager._instance_id.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        worker_name = pipe.read().decode()
    os.waitpid(child, 0)
    assert worker_name and worker_name != manager._instance_id


async def _change(manager, token: str, state: str) -> None:
    async with manager.modify_state(rx.BaseStateToken(ident=token, cls=VoiceState)) as root:
        (await root.get_state(VoiceState)).my_state = state


async def _in_line(manager, lock: bytes, count: int) -> bool:
    return await manager.redis.scard(lock + b"_waiters") >= count


async def test_two_workers_wanting_one_tab_at_once_both_get_it_in_turn():
    # Leases held longer than the test waits: under one name, the second would wait for its end.
    async with live_worker(hold_ms=60_000) as one, live_worker(hold_ms=60_000) as other:
        other.manager._instance_id = one.manager._instance_id   # both forked from one supervisor
        lease_locks.own_lock_identity(other.manager)            # what each forked worker does
        token, lock = one.token, _lock_key(one.token)
        await one.manager.redis.set(lock, b"a-third-worker", px=10_000)     # the tab is busy
        changes = [asyncio.create_task(_change(one.manager, token, "PAUSED")),
                   asyncio.create_task(_change(other.manager, token, "READY"))]
        await until(lambda: _in_line(one.manager, lock, 2), timeout=5)
        await one.manager.redis.delete(lock)                # the third lets go

        await asyncio.wait_for(asyncio.gather(*changes), timeout=5)
