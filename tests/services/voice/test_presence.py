import uuid

from services.infra.redis import get_redis
from services.live.events import STREAM
from services.voice.presence import (
    AgentState, agent_state, agent_states, agents_in_call, set_agent_state)


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
