import threading
import uuid

import pytest

from services.infra.redis import get_redis
from services.live import supervision_topic, user_topic
from services.live.events import STREAM, LiveEvent
from services.voice.presence import (
    AgentState, AgentStateConflict, StateChange, agent_state, agent_states, agents_in_call, claim_agent_state,
    set_agent_state, set_agent_states)


def test_states_are_kept_per_tenant_and_told_to_supervisors_and_the_agent_only():
    tenant, other = uuid.uuid4().int % 10**6, uuid.uuid4().int % 10**6 + 10**6
    assert agent_state(tenant, 7) is AgentState.LOGGED_OUT
    set_agent_state(tenant, 7, AgentState.IN_CALL)
    set_agent_state(tenant, 8, AgentState.PAUSED, reason="Déjeuner")
    set_agent_state(tenant, 9, AgentState.READY)
    set_agent_state(other, 7, AgentState.READY)

    assert agent_state(tenant, 7) is AgentState.IN_CALL
    assert agent_states(tenant)[8]["reason"] == "Déjeuner"
    assert agents_in_call(tenant, [7, 8, 9, 10]) == {7}
    assert agents_in_call(other, [7]) == set()
    # One stream entry per change, for the supervisors' pages and the agent's own.
    told = [LiveEvent.from_fields(f) for _, f in reversed(get_redis().xrevrange(STREAM, count=4))]
    assert [(e.topics, e.data["user_id"], e.data["state"]) for e in told] == [
        ((supervision_topic(t), user_topic(t, user)), user, state)
        for t, user, state in ((tenant, 7, "IN_CALL"), (tenant, 8, "PAUSED"),
                               (tenant, 9, "READY"), (other, 7, "READY"))]


def test_a_claim_checks_and_sets_in_one_step_while_other_states_change():
    tenant = uuid.uuid4().int % 10**6 + 2 * 10**6
    busy = {AgentState.IN_CALL, AgentState.RINGING}
    stop = threading.Event()

    def colleagues_taking_calls():            # every write to the tenant's states makes a claim look again
        while not stop.is_set():
            set_agent_state(tenant, 8, AgentState.IN_CALL)
            set_agent_state(tenant, 8, AgentState.READY)

    writer = threading.Thread(target=colleagues_taking_calls)
    writer.start()
    try:
        for _ in range(100):
            set_agent_state(tenant, 7, AgentState.IN_CALL)
            with pytest.raises(AgentStateConflict):
                claim_agent_state(tenant, 7, AgentState.LOGGED_OUT, unless=busy)
            assert agent_state(tenant, 7) is AgentState.IN_CALL
            set_agent_state(tenant, 7, AgentState.PAUSED, reason="Pause")
            assert claim_agent_state(tenant, 7, AgentState.LOGGED_OUT, unless=busy) is AgentState.PAUSED
            assert agent_state(tenant, 7) is AgentState.LOGGED_OUT
    finally:
        stop.set()
        writer.join()


def test_many_states_are_written_and_told_in_order_in_one_transaction():
    tenant = uuid.uuid4().int % 10**6 + 3 * 10**6
    redis = get_redis()
    last = lambda: (redis.xrevrange(STREAM, count=1) or [("0-0", {})])[0][0]  # noqa: E731
    before = last()
    set_agent_states([])                                   # nothing to say: nothing said
    assert last() == before

    changes = [StateChange(tenant, 7, AgentState.IN_CALL, campaign="Relance", caller="+237671234567"),
               StateChange(tenant, 8, AgentState.PAUSED, reason="Déjeuner"),
               StateChange(tenant, 7, AgentState.WRAP_UP)]
    set_agent_states(changes)

    assert agent_state(tenant, 7) is AgentState.WRAP_UP            # the last change of an agent wins
    assert agent_states(tenant)[8]["reason"] == "Déjeuner"
    told = [e for e in (LiveEvent.from_fields(f) for _, f in redis.xrange(STREAM, min=f"({before}"))
            if supervision_topic(tenant) in e.topics]
    assert [(e.topics, e.data["user_id"], e.data["state"], e.data.get("caller")) for e in told] == [
        ((supervision_topic(tenant), user_topic(tenant, 7)), 7, "IN_CALL", "+237671234567"),
        ((supervision_topic(tenant), user_topic(tenant, 8)), 8, "PAUSED", None),
        ((supervision_topic(tenant), user_topic(tenant, 7)), 7, "WRAP_UP", None)]
