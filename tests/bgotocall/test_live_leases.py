"""A web worker's pushes into the tabs' states under Reflex's leases (bgotocall/live.py), on a real
Redis state manager with a short hold time: a tab pushed to keeps its states in the worker's memory
from one lease to the next, and each lease's end writes them back to Redis. These lean on Reflex's
private lease internals: a Reflex upgrade that changes them fails here, not silently in production."""
import asyncio
import time

import pytest
import reflex as rx
from reflex.state import BaseState

from bgotocall.state.campaigns_agent import AgentCampaignsState
from bgotocall.state.voice import VoiceState
from services.live.events import LiveEvent
from tests.support.live_worker import live_worker

HOLD_MS = 400


@pytest.fixture
async def worker():
    async with live_worker(HOLD_MS) as worker:
        yield worker


def _state_change(state: str) -> LiveEvent:
    """The agent's own change (a fresh tab's agent is user 0)."""
    return LiveEvent(("t:1:user:0",), "agent_state", {"user_id": 0, "state": state, "since": time.time()})


async def _leased_again(manager, token: str, ended: asyncio.Task) -> asyncio.Task:
    deadline = time.monotonic() + 10
    while (lease := manager._local_leases.get(token)) in (None, ended):
        assert time.monotonic() < deadline, "the lease was not taken again"
        await asyncio.sleep(0.02)     # the keeper acts on its own, after the lease's end
    return lease


async def _stored_voice(manager, token: str) -> VoiceState:
    raw = await manager.redis.get(rx.BaseStateToken(ident=token, cls=VoiceState)._state_key(VoiceState))
    return BaseState._deserialize(data=raw)


async def test_a_tab_pushed_to_keeps_its_lease_and_each_lease_end_writes_its_states_back(worker):
    await worker.deliveries.run({worker.token: [_state_change("PAUSED")]})
    voice = VoiceState.get_full_name()
    assert worker.app.event_namespace.sent[-1][voice]["my_state_rx_state_"] == "PAUSED"
    first = worker.manager._local_leases[worker.token]

    await asyncio.wait_for(asyncio.shield(first), 10)          # the hold time passes
    second = await _leased_again(worker.manager, worker.token, first)
    assert (await _stored_voice(worker.manager, worker.token)).my_state == "PAUSED"

    await worker.deliveries.run({worker.token: [_state_change("READY")]})
    assert worker.app.event_namespace.sent[-1][voice]["my_state_rx_state_"] == "READY"
    assert worker.manager._local_leases[worker.token] is second     # applied in memory, under it
    root = worker.manager._cached_states[worker.token]
    assert root.get_substate(voice.split(".")).my_state == "READY"


async def test_a_tab_not_pushed_to_during_its_lease_is_let_go(worker):
    await worker.deliveries.run({worker.token: [_state_change("PAUSED")]})
    first = worker.manager._local_leases[worker.token]
    await asyncio.wait_for(asyncio.shield(first), 10)
    second = await _leased_again(worker.manager, worker.token, first)
    await asyncio.wait_for(asyncio.shield(second), 10)      # a whole lease without a push
    # Not taken again: a retake comes within milliseconds of the end; two hold times pass.
    for _ in range(2 * HOLD_MS // 20):
        assert worker.token not in worker.manager._local_leases
        await asyncio.sleep(0.02)
    assert (await _stored_voice(worker.manager, worker.token)).my_state == "PAUSED"


async def test_a_lease_taken_again_holds_every_state_of_the_tab_that_was_pushed_to(worker):
    # The tab's campaigns were pushed to (its page loads them too), then only its agent's state:
    # the next lease holds both, and a campaign's version reaching the tab reads nothing from Redis.
    await worker.deliveries.run({worker.token: [LiveEvent(("t:1:campaign:1",), "campaign_changed", {})]})
    await worker.deliveries.run({worker.token: [_state_change("PAUSED")]})
    first = worker.manager._local_leases[worker.token]
    await asyncio.wait_for(asyncio.shield(first), 10)
    await _leased_again(worker.manager, worker.token, first)

    root = worker.manager._cached_states[worker.token]
    for cls in (VoiceState, AgentCampaignsState):
        assert root.get_substate(cls.get_full_name().split(".")) is not None
