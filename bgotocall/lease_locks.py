"""The Redis locks under a web worker's leases: leases held for minutes, locks that lapse in seconds.

Invariant: a lease (a tab's states in this worker's memory under Reflex's opportunistic lock) lasts
up to LEASE_SECONDS, while the Redis lock under it still lapses within the configured lock
expiration (50 s) unless this worker renews it: a worker that dies frees its tabs as soon as
before, and one that lives writes a tab back and takes it again every few minutes instead of every
45 s (that churn, 27 tabs a second at 1,000 tabs, was a fifth of a worker's time). Another worker
that wants a tab (its socket moved) still breaks the lease at once, as Reflex does.

Process: every RENEW_SECONDS, the locks of the worker's leases are renewed by one script per chunk,
each only if it still holds the lease's lock id; a lease whose lock is no longer its own, or whose
tab's socket left this worker, is let go (its states written back, its lock freed: a closed tab
costs nothing). While renewing fails, new leases last no longer than Reflex's configured hold, and
past half the lock expiration every lease is let go.

Each web worker waits in a tab's line (the set of a lock's waiters, whose growth tells the holder to
let go) under a name of its own: Reflex names its state manager once, in the server's supervisor,
before it forks the workers (see give_each_worker_its_lock_identity).
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import uuid
from typing import Callable

import reflex as rx

LEASE_SECONDS = 300
RENEW_SECONDS = 10
CHUNK = 500

# KEYS: the locks; ARGV: their lease's lock ids, then the expiration (ms). Returns the locks lost.
_RENEW = """
local lost = {}
local expiration = ARGV[#KEYS + 1]
for i, key in ipairs(KEYS) do
    if redis.call('GET', key) == ARGV[i] then
        redis.call('PEXPIRE', key, expiration)
    else
        lost[#lost + 1] = key
    end
end
return lost
"""

log = logging.getLogger(__name__)


def _hold(manager) -> dict[str, int]:
    """{"configured": Reflex's hold time, "ms": the one new leases are drawn from} (ms)."""
    hold = getattr(manager, "_bgc_hold_ms", None)
    if hold is None:
        configured = getattr(manager, "oplock_hold_time_ms", 0)
        hold = manager._bgc_hold_ms = {"configured": configured, "ms": configured}
    return hold


def spread_lease(manager) -> None:
    """Leases taken in the same second (a floor signing in at 8:00, a worker's tabs moving after
    a restart) would all end, be written back and be taken again in one burst every hold time,
    for ever: each new lease is held for a time drawn from the last third of the hold, so that
    they drift apart."""
    hold = _hold(manager)["ms"]
    if hold:
        manager.oplock_hold_time_ms = int(hold * random.uniform(2 / 3, 1))


def _hold_long(manager, long: bool) -> None:
    hold = _hold(manager)
    hold["ms"] = LEASE_SECONDS * 1000 if long else hold["configured"]
    spread_lease(manager)


def _lock_id(lease: asyncio.Task) -> bytes:
    # Reflex names a lease's task "reflex_lease_breaker|<token>|<lock id>" (tested in
    # tests/bgotocall/test_lease_locks.py, so that an upgrade changing it fails there).
    return lease.get_name().rsplit("|", 1)[-1].encode()


async def renew_lease_locks(manager, holds_socket: Callable[[str], bool]) -> None:
    """One round: the locks of the leases whose tab's socket this worker holds renewed, the
    other leases let go."""
    leases: dict[bytes, asyncio.Task] = {}
    for token, lease in list(manager._local_leases.items()):
        if lease.done():
            continue
        if holds_socket(token):
            leases[manager._lock_key(rx.BaseStateToken(ident=token, cls=rx.State))] = lease
        else:
            lease.cancel()      # the tab left: written back now, not at the lease's end
    keys = list(leases)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        lost = await manager.redis.eval(_RENEW, len(chunk), *chunk,
                                        *(_lock_id(leases[key]) for key in chunk), manager.lock_expiration)
        for key in lost:        # Reflex's client answers bytes, as the keys were given
            leases[key].cancel()


async def keep_lease_locks(manager, holds_socket: Callable[[str], bool]) -> None:
    """Renew the locks of this worker's leases for as long as it runs."""
    if not getattr(manager, "_oplock_enabled", False):
        return
    renewed_at = time.monotonic()
    while True:
        try:
            await renew_lease_locks(manager, holds_socket)
        except Exception:       # Redis away: leases must not outlive their locks
            log.exception("renewing the locks of the live leases failed")
            if time.monotonic() - renewed_at > manager.lock_expiration / 2000:
                _hold_long(manager, False)
                for lease in list(manager._local_leases.values()):
                    lease.cancel()
        else:
            renewed_at = time.monotonic()
            _hold_long(manager, True)
        await asyncio.sleep(RENEW_SECONDS)


def own_lock_identity(manager) -> None:
    """A new name for this process in the lines of waiters for the tabs' locks."""
    if hasattr(manager, "_instance_id"):
        manager._instance_id = str(uuid.uuid4())


def give_each_worker_its_lock_identity(app: rx.App) -> None:
    """Forked from the supervisor, every worker would wait under the supervisor's one name (Reflex
    names its token manager anew in each worker, not its state manager). When two workers then
    wanted a tab at once (a push retaking its lease on one, an upload landing on the other), the
    second's entry added nothing to the line, so the holder was not told to let go, and the first to
    get the lock took both out of the line and leased the tab as if no one waited: the other's
    event (the agent's attachment, in the tests) then waited minutes, while the lease was renewed."""
    os.register_at_fork(after_in_child=lambda: own_lock_identity(getattr(app, "_state_manager", None)))
