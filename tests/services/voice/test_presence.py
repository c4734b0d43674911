import threading
import uuid

import pytest

from services.infra.redis import get_redis
from services.live.events import STREAM
from services.voice.presence import (
    AgentState, AgentStateConflict, agent_state, agent_states, agents_in_call, claim_agent_state, set_agent_state)


def test_states_are_kept_per_tenant_and_published():
    tenant, other = uuid.uuid4().int % 10**6, uuid.uuid4().int % 10**6 + 10**6
    assert agent_state(tenant, 7) is AgentState.LOGGED_OUT
    before = get_redis().xlen(STREAM)
    set_agent_state(tenant, 7, AgentState.IN_CALL)
    set_agent_state(tenant, 8, AgentState.PAUSED, reason="Déjeuner")
    set_agent_state(tenant, 9, AgentState.READY)
    set_agent_state(other, 7, AgentState.READY)

    assert agent_state(tenant, 7) is AgentState.IN_CALL
    assert agent_states(tenant)[8]["reason"] == "Déjeuner"
    assert agents_in_call(tenant, [7, 8, 9, 10]) == {7}
    assert agents_in_call(other, [7]) == set()
    assert get_redis().xlen(STREAM) == before + 4


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
