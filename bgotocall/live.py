"""Pushing live events into the states of open tabs (the web side of services/live)."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import logging
import weakref
from typing import Iterable

import reflex as rx
from reflex import constants
import redis.asyncio as aioredis
from engineio import exceptions as engineio_exceptions
from reflex.state import StateUpdate
from socketio import packet as socketio_packet

from bgotocall.lease_locks import keep_lease_locks, spread_lease
from services.live.consumer import consume_with_restarts
from services.live.deliveries import Deliveries
from services.live.events import LiveEvent
from services.live.served import ServedTabs
from services.live.subscriptions import RENEW_SECONDS, renew
from services.settings import get_settings

log = logging.getLogger(__name__)

# kind of event -> the state classes whose `_on_live(event)` apply it, with the topic (its
# ending) through which the tab must have heard it, "" for any.
_RECEIVERS: dict[str, list[tuple[type[rx.State], str]]] = {}

# Full collections of a web process holding thousands of tabs' states paused it 300-650 ms
# (shared/notes/reflex-offline.md); young collections stay frequent, full ones become rare (one
# per 2,000 young ones). The middle collections come every 5 young ones: every 20 let the states
# of a shift's tabs opened together pile up there, and one such collection held a worker 0.5-1 s.
GC_THRESHOLDS = (50_000, 5, 400)


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


def holds_socket(app: rx.App, token: str) -> bool | None:
    """Whether this worker holds the tab's socket: True, another worker does: False, none: None."""
    manager = app.event_namespace._token_manager if app.event_namespace else None
    record = manager.token_to_socket.get(token) if manager else None
    return None if record is None else record.instance_id == manager.instance_id


def served_tabs(app: rx.App) -> ServedTabs:
    """The tabs this worker serves, as its socket manager knows them."""
    return ServedTabs(lambda: set(open_tabs(app)), lambda token: holds_socket(app, token))


async def _apply(state: rx.State, events: list[LiveEvent]) -> None:
    for event in events:
        applied = state._on_live(event)
        if inspect.isawaitable(applied):
            await applied


async def _take_lease(app: rx.App, client_token: str, classes: Iterable[type[rx.State]]) -> bool:
    """Reflex's own path, changing nothing, for it to take the lease on the tab (held for a time
    drawn anew) with these of its states in memory; False when the state manager has no leases."""
    manager = app.state_manager
    if not getattr(manager, "_oplock_enabled", False):
        return False
    spread_lease(manager)
    first, *others = classes
    async with manager.modify_state(rx.BaseStateToken(ident=client_token, cls=first)) as root:
        for cls in others:
            await _leased_substate(manager, root, client_token, cls)
        return True


def _receivers_in(root: rx.State) -> set[type[rx.State]]:
    """The tab's states in this tree that apply live events."""
    held = set()
    for cls in {cls for receivers in _RECEIVERS.values() for cls, _ in receivers}:
        try:
            root.get_substate(cls.get_full_name().split("."))
            held.add(cls)
        except ValueError:
            pass
    return held


async def _apply_in_memory(app: rx.App, client_token: str,
                           per_state: dict[type[rx.State], list[LiveEvent]]) -> rx.State | None:
    """Apply the events on the tab's states as this worker holds them in memory under Reflex's
    lease, when it does and no handler is using them, and push them in one update: what
    `app.modify_state` does on that path, without the context and lock plumbing that cost as
    much as the push itself. Returns the tab's leased tree; None when the worker holds no lease
    on the tab: the caller takes the full path, which takes one."""
    manager = app.state_manager
    lease = getattr(manager, "_local_leases", {}).get(client_token)
    lock = getattr(manager, "_cached_states_locks", {}).get(client_token)
    root = getattr(manager, "_cached_states", {}).get(client_token)
    if lease is None or lease.done() or lease.cancelling() or lock is None or lock.locked() or root is None:
        return None
    async with lock:
        for cls, events in per_state.items():
            await _apply(await _leased_substate(manager, root, client_token, cls), events)
        delta = await root._get_resolved_delta()
        root._clean()
    # As Reflex does after using a leased state: a handler of this process that was waiting
    # for the tab's lock (one per tab, whatever the state class) looks again, and finds the lease.
    manager._notify_next_waiter(manager._lock_key(rx.BaseStateToken(ident=client_token, cls=rx.State)))
    if delta:
        await _emit(app, StateUpdate(delta=delta), client_token)
    return root


async def _leased_substate(manager, root: rx.State, client_token: str, cls: type[rx.State]) -> rx.State:
    """The tab's `cls` state in the leased tree; one the lease was taken without (a lease taken
    by an agent's state change lacks the campaigns its next version changes) is fetched into the
    tree first, as Reflex's cached path does."""
    path = cls.get_full_name().split(".")
    try:
        state = root.get_substate(path)
        if len(state.substates) == len(type(state).get_substates()):
            return state
    except ValueError:
        pass
    await manager.get_state(rx.BaseStateToken(ident=client_token, cls=cls), for_state_instance=root)
    return root.get_substate(path)


async def _emit(app: rx.App, update: StateUpdate, client_token: str) -> None:
    """`emit_update`, the packet queued on the tab's socket without a turn of the loop: Socket.IO's
    emit sends through a task it waits for, and Reflex's then yields once more; the pushes' lanes
    take their turn every few milliseconds instead (services/live/deliveries.LoopShare), so that
    a version reaching 1,000 tabs is not 2,000 turns of a loop busy with everything else."""
    namespace = app.event_namespace
    if holds_socket(app, client_token) is not True:
        await namespace.emit_update(update, client_token)     # Reflex's way to another worker's tab
        return
    server = namespace.server
    sid = namespace._token_manager.token_to_socket[client_token].sid
    eio_sid = server.manager.eio_sid_from_sid(sid, namespace.namespace)
    if eio_sid is None:
        return      # the socket is closing: the tab hydrates from the state manager when it is back
    packet = server.packet_class(socketio_packet.EVENT, namespace=namespace.namespace,
                                 data=[str(constants.SocketEvent.EVENT), update])
    with contextlib.suppress(engineio_exceptions.SocketIsClosedError):      # closed meanwhile
        await server.eio.send(eio_sid, packet.encode())


class LeaseKeeper:
    """A lease ends every hold time: Reflex writes the tab's states back to Redis and frees its
    lock, and the next push would take both again (five round trips) before it could go out; at
    2,000 agents those pushes were the slowest 5 %. When the lease of a tab this worker pushed to
    during it ends, it is taken again at once, while no push is under way to the tab (those that
    come meanwhile wait behind), with the states that apply live events it held: the next push
    finds them (a campaign's version reaching 1,000 tabs then reads none from Redis). A tab that
    got no push during its lease, or whose socket left, is let go."""

    def __init__(self, app: rx.App, deliveries: Deliveries):
        self.app, self.deliveries = app, deliveries
        # tab pushed to during its lease -> its states to hold again
        self.pushed: dict[str, set[type[rx.State]]] = {}
        self.watched: weakref.WeakSet[asyncio.Task] = weakref.WeakSet()
        self.retaking: set[asyncio.Task] = set()

    def pushed_to(self, client_token: str, root: rx.State, classes: Iterable[type[rx.State]]) -> None:
        held = self.pushed.get(client_token)
        if held is None:        # the lease's first push: what it holds (the tab's page loaded them)
            held = self.pushed[client_token] = _receivers_in(root)
        held.update(classes)
        self._watch(client_token)

    def _watch(self, client_token: str) -> None:
        lease = getattr(self.app.state_manager, "_local_leases", {}).get(client_token)
        if lease is not None and lease not in self.watched:
            self.watched.add(lease)
            lease.add_done_callback(lambda _lease: self._ended(client_token))

    def _ended(self, client_token: str) -> None:
        held = self.pushed.pop(client_token, None)
        if not held or holds_socket(self.app, client_token) is not True:
            return
        task = asyncio.get_running_loop().create_task(
            self.deliveries.alone(client_token, lambda: self._retake(client_token, held)))
        self.retaking.add(task)
        task.add_done_callback(self.retaking.discard)

    async def _retake(self, client_token: str, held: set[type[rx.State]]) -> None:
        if client_token not in getattr(self.app.state_manager, "_local_leases", {}) \
                and await _take_lease(self.app, client_token, held):
            self._watch(client_token)     # kept at its end only if pushed to meanwhile


def live_deliveries(app: rx.App) -> Deliveries:
    """The pushes of this worker, into the states of the tabs whose socket it holds."""
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
        leased = await _apply_in_memory(app, client_token, per_state)
        if leased is None and await _take_lease(app, client_token, per_state):
            leased = await _apply_in_memory(app, client_token, per_state)
        if leased is not None:
            leases.pushed_to(client_token, leased, per_state)
            return
        for cls, mine in per_state.items():     # no lease (Redis < 7, or another worker wants the tab)
            async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=cls)) as root:
                await _apply(await root.get_state(cls), mine)

    deliveries = Deliveries(deliver)
    leases = LeaseKeeper(app, deliveries)
    return deliveries


def live_listener(app: rx.App):
    deliveries = live_deliveries(app)

    async def listen():
        gc.freeze()         # what the app's import built is never garbage: out of every collection
        await consume_with_restarts(deliveries, listeners=served_tabs(app).listeners)

    return listen


def lease_lock_keeper(app: rx.App):
    """Keeps the leases of the tabs this worker holds for minutes (bgotocall/lease_locks.py)."""
    async def keep():
        await keep_lease_locks(app.state_manager, lambda token: holds_socket(app, token) is True)

    return keep


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
