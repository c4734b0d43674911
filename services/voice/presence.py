"""Agent states (LOGGED_OUT, READY, RINGING, IN_CALL, WRAP_UP, PAUSED), shared in Redis.

The pbx bridge and the agent's own actions write them; campaigns and supervision read
them. Each change is also published live to the supervisors' pages and the agent's own panel.
"""
from __future__ import annotations

import enum
import json
import time
from dataclasses import dataclass
from typing import Iterable

from redis.exceptions import WatchError

from services.infra.redis import get_redis
from services.live import supervision_topic, user_topic
from services.live.events import publish_on


class AgentState(str, enum.Enum):
    LOGGED_OUT = "LOGGED_OUT"
    READY = "READY"
    RINGING = "RINGING"
    IN_CALL = "IN_CALL"
    WRAP_UP = "WRAP_UP"
    PAUSED = "PAUSED"


def _key(tenant_id: int) -> str:
    return f"bgc:agent-state:{tenant_id}"


class AgentStateConflict(RuntimeError):
    def __init__(self, current: AgentState) -> None:
        super().__init__(current.value)
        self.current = current


def _announce(redis, tenant_id: int, user_id: int, value: dict) -> None:
    """One event to the supervisors' pages and the agent's own panel."""
    publish_on(redis, (supervision_topic(tenant_id), user_topic(tenant_id, user_id)), "agent_state",
               user_id=user_id, **value)


def _write(pipe, tenant_id: int, user_id: int, value: dict) -> None:
    """The agent's state and its announcement, on a pipeline (in its transaction)."""
    pipe.hset(_key(tenant_id), str(user_id), json.dumps(value))
    _announce(pipe, tenant_id, user_id, value)


def _value(state: AgentState, reason: str, campaign: str, caller: str) -> dict:
    """What a supervisor's card shows: the state, why (a pause's reason), on which campaign and
    with whom (a call's campaign and caller), and since when."""
    value = {"state": state.value, "reason": reason, "since": time.time()}
    if campaign:
        value["campaign"] = campaign
    if caller:
        value["caller"] = caller
    return value


@dataclass(frozen=True)
class StateChange:
    tenant_id: int
    user_id: int
    state: AgentState
    reason: str = ""
    campaign: str = ""
    caller: str = ""


def set_agent_state(tenant_id: int, user_id: int, state: AgentState, reason: str = "", *,
                    campaign: str = "", caller: str = "") -> None:
    """The agent's new state and its announcement, in one transaction: one round trip, and
    no page hears of a state that was not written."""
    set_agent_states([StateChange(tenant_id, user_id, state, reason, campaign, caller)])


def set_agent_states(changes: Iterable[StateChange]) -> None:
    """Several agents' new states (the bridge's resync after a reconnection: every phone at once),
    in order, with their announcements, in one transaction and one round trip."""
    with get_redis().pipeline() as pipe:
        for change in changes:
            _write(pipe, change.tenant_id, change.user_id,
                   _value(change.state, change.reason, change.campaign, change.caller))
        pipe.execute()


def claim_agent_state(tenant_id: int, user_id: int, state: AgentState, *, unless: set[AgentState],
                      reason: str = "", campaign: str = "", caller: str = "") -> AgentState:
    """Set `state` in one atomic step with the check that the agent is in none of `unless` (else
    AgentStateConflict): no call can slip in between. Returns the state it replaced."""
    value = _value(state, reason, campaign, caller)
    with get_redis().pipeline() as pipe:
        while True:
            try:
                pipe.watch(_key(tenant_id))
                raw = pipe.hget(_key(tenant_id), str(user_id))
                current = AgentState(json.loads(raw)["state"]) if raw else AgentState.LOGGED_OUT
                if current in unless:
                    pipe.unwatch()
                    raise AgentStateConflict(current)
                pipe.multi()
                _write(pipe, tenant_id, user_id, value)
                pipe.execute()
                break
            except WatchError:      # another state of the tenant changed meanwhile: look again
                continue
    return current


def agent_states(tenant_id: int) -> dict[int, dict]:
    """Every known agent's state of the tenant: {user_id: {state, reason, since}}."""
    raw = get_redis().hgetall(_key(tenant_id))
    return {int(user_id): json.loads(value) for user_id, value in raw.items()}


def agent_state_record(tenant_id: int, user_id: int) -> dict:
    """One agent's {state, reason, since, ...}; {} when the agent never logged in."""
    raw = get_redis().hget(_key(tenant_id), str(user_id))
    return json.loads(raw) if raw else {}


def agent_state(tenant_id: int, user_id: int) -> AgentState:
    return AgentState(agent_state_record(tenant_id, user_id).get("state", AgentState.LOGGED_OUT))


def agents_in_call(tenant_id: int, user_ids: list[int]) -> set[int]:
    busy = {AgentState.RINGING.value, AgentState.IN_CALL.value}
    states = agent_states(tenant_id)
    return {u for u in user_ids if states.get(u, {}).get("state") in busy}
