"""Pushing live events into the states of open tabs (the web side of services/live)."""
from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import random

import reflex as rx
import redis.asyncio as aioredis
from reflex.state import StateUpdate

from services.live.consumer import consume_with_restarts
from services.live.events import LiveEvent
from services.live.served import ServedTabs
from services.live.subscriptions import RENEW_SECONDS, renew
from services.settings import get_settings

log = logging.getLogger(__name__)

# kind of event -> the state classes whose `_on_live(event)` apply it, with the topic (its
# ending) through which the tab must have heard it, "" for any.
_RECEIVERS: dict[str, list[tuple[type[rx.State], str]]] = {}

# Full collections of a web process holding thousands of tabs' states paused it 300-650 ms
# (shared/notes/reflex-offline.md); young collections stay frequent, full ones become rare.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


def receives(*kinds: str, through: str = ""):
    """Class decorator: this state applies live events of these kinds (heard through a topic
    ending with `through`, when given: a supervision view is not loaded for an agent's change
    that reached the agent's own tab)."""
    def register(cls):
        for kind in kinds:
            _RECEIVERS.setdefault(kind, []).append((cls, through))
        return cls
    return register


def open_tabs(app: rx.App) -> list[str]:
    """The client tokens whose socket this worker holds."""
    manager = app.event_namespace._token_manager if app.event_namespace else None
    if manager is None:
        return []
    return [token for token, record in list(manager.token_to_socket.items())
            if record.instance_id == manager.instance_id]


def served_tabs(app: rx.App) -> ServedTabs:
    """The tabs this worker serves, as its socket manager knows them."""
    def holder(token: str) -> bool | None:
        manager = app.event_namespace._token_manager if app.event_namespace else None
        record = manager.token_to_socket.get(token) if manager else None
        return None if record is None else record.instance_id == manager.instance_id
    return ServedTabs(lambda: set(open_tabs(app)), holder)


def _spread_leases(manager) -> None:
    """Leases taken in the same second (a floor signing in at 8:00, a worker's tabs moving after
    a restart) would all end, be written back and be taken again in one burst every hold time,
    for ever: each new lease is held for a time drawn from the last third of the configured one,
    so that they drift apart."""
    configured = _HOLD_MS.setdefault("ms", getattr(manager, "oplock_hold_time_ms", 0))
    if configured:
        manager.oplock_hold_time_ms = int(configured * random.uniform(2 / 3, 1))


_HOLD_MS: dict[str, int] = {}


async def _apply(state: rx.State, events: list[LiveEvent]) -> None:
    for event in events:
        applied = state._on_live(event)
        if inspect.isawaitable(applied):
            await applied


async def _apply_in_memory(app: rx.App, client_token: str,
                           per_state: dict[type[rx.State], list[LiveEvent]]) -> bool:
    """Apply the events on the tab's states as this worker holds them in memory under Reflex's
    lease, when it does and no handler is using them, and push them in one update: what
    `app.modify_state` does on that path, without the context and lock plumbing that cost as
    much as the push itself. False when a state is not there: the caller takes the full path,
    which fetches it."""
    manager = app.state_manager
    lease = getattr(manager, "_local_leases", {}).get(client_token)
    lock = getattr(manager, "_cached_states_locks", {}).get(client_token)
    root = getattr(manager, "_cached_states", {}).get(client_token)
    if lease is None or lease.done() or lease.cancelling() or lock is None or lock.locked() or root is None:
        return False
    states = []
    for cls, events in per_state.items():
        try:
            state = root.get_substate(cls.get_full_name().split("."))
        except ValueError:          # not loaded in this tab yet
            return False
        if len(state.substates) != len(type(state).get_substates()):
            return False
        states.append((state, events))
    async with lock:
        for state, events in states:
            await _apply(state, events)
        delta = await root._get_resolved_delta()
        root._clean()
    # As Reflex does after using a leased state: a handler of this process that was waiting
    # for the tab's lock (one per tab, whatever the state class) looks again, and finds the lease.
    manager._notify_next_waiter(manager._lock_key(rx.BaseStateToken(ident=client_token, cls=rx.State)))
    if delta:
        await app.event_namespace.emit_update(StateUpdate(delta=delta), client_token)
    return True


def live_listener(app: rx.App):
    async def deliver(client_token: str, events: list[LiveEvent]) -> None:
        """The tab's events of the batch applied to the states that receive them: in one
        update when the worker holds the tab's states in memory, else one per state."""
        per_state: dict[type[rx.State], list[LiveEvent]] = {}
        for event in events:
            for cls, through in _RECEIVERS.get(event.kind, []):
                if not through or any(topic.endswith(through) for topic in event.topics):
                    per_state.setdefault(cls, []).append(event)
        if not per_state:
            return
        if await _apply_in_memory(app, client_token, per_state):
            return
        _spread_leases(app.state_manager)
        for cls, mine in per_state.items():
            async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=cls)) as root:
                await _apply(await root.get_state(cls), mine)

    async def listen():
        gc.freeze()         # what the app's import built is never garbage: out of every collection
        await consume_with_restarts(deliver, listeners=served_tabs(app).listeners)

    return listen


def subscription_keeper(app: rx.App):
    """Renews the subscriptions of the tabs this worker holds; a closed tab's lapse in a minute."""
    async def keep():
        redis = aioredis.Redis.from_url(get_settings().redis_url, decode_responses=True)
        try:
            while True:
                try:
                    await renew(redis, open_tabs(app))
                except Exception:   # Redis away: try again at the next round
                    log.exception("renewing the live subscriptions failed")
                await asyncio.sleep(RENEW_SECONDS)
        finally:
            await redis.aclose()

    return keep
