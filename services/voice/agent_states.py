"""From PBX facts to agent states: the rule the bridge applies, kept pure so it is easy to check."""
from __future__ import annotations

from services.voice.presence import AgentState

BUSY = {"INUSE", "BUSY", "ONHOLD", "RINGINUSE"}
GONE = {"UNAVAILABLE", "INVALID", "UNKNOWN"}


def state_for_device(device: str, previous: AgentState, paused: bool) -> AgentState:
    """The agent's state once its phone's device state is `device`.

    A call that ends puts the agent in post-call work (WRAP_UP) until they say they are ready; a
    paused queue member is PAUSED; a phone that is not registered means LOGGED_OUT."""
    if device == "RINGING":
        return AgentState.RINGING
    if device in BUSY:
        return AgentState.IN_CALL
    if device in GONE:
        return AgentState.LOGGED_OUT
    if previous in (AgentState.IN_CALL, AgentState.WRAP_UP):
        return AgentState.WRAP_UP
    return AgentState.PAUSED if paused else AgentState.READY


def state_for_pause(current: AgentState, paused: bool) -> AgentState:
    if paused and current == AgentState.READY:
        return AgentState.PAUSED
    if not paused and current == AgentState.PAUSED:
        return AgentState.READY
    return current
