"""Outgoing legs and the Dial application: ringing, answer or failure, then the two-party bridge."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Callable

from . import outcomes
from .channels import Bridge, Channel, ChannelHungup, RINGING, UP
from .endpoints import Endpoint, PhonePolicy
from .outcomes import Outcome

if TYPE_CHECKING:
    from .pbx import Pbx

ANSWER = "answer"
TRYING_SECONDS = 0.002


def policy_outcome(policy: PhonePolicy) -> Outcome:
    """A softphone's policy seen as an outcome (a rejecting phone answers 486)."""
    if policy.mode == "reject":
        return Outcome(rings=True, reject_cause=outcomes.BUSY, answers_after=policy.ring_seconds)
    if policy.mode in ("ignore", "manual"):
        return Outcome()
    return Outcome(answers_after=policy.ring_seconds, talk_seconds=policy.hangup_after)


class Leg:
    """A channel towards an endpoint that rings, then answers or fails as its far end decides."""

    def __init__(self, pbx: "Pbx", endpoint: Endpoint, number: str, *, linkedid: str | None) -> None:
        self.pbx = pbx
        self.endpoint = endpoint
        self.number = number
        self.channel = pbx.new_pjsip(endpoint, linkedid=linkedid)
        self.channel.leg = self
        self.reply: asyncio.Future = asyncio.get_running_loop().create_future()
        self.on_ringing: list[Callable[[], None]] = []
        self.outcome = outcomes.outcome_for(number) if endpoint.is_trunk else policy_outcome(endpoint.policy)

    def start(self) -> None:
        phone = None if self.endpoint.is_trunk else self.endpoint.phone   # a browser answers for itself
        self.pbx.spawn(phone.ring(self) if phone else self._far_end())

    def answer(self) -> None:
        self._resolve(ANSWER)

    def reject(self, cause: int) -> None:
        if not self.reply.done():
            self.channel.request_hangup(cause)
            self._resolve(cause)

    def _resolve(self, value) -> None:
        if not self.reply.done():
            self.reply.set_result(value)

    def ringing(self) -> None:
        if self.channel.gone or self.reply.done():
            return
        self.channel.set_state(RINGING)
        for callback in self.on_ringing:
            callback()

    async def _far_end(self) -> None:
        sleep = self.pbx.clock.sleep
        outcome = self.outcome
        if outcome.rings:
            await sleep(TRYING_SECONDS)
            self.ringing()
        if outcome.reject_cause is not None:
            await sleep(outcome.answers_after or TRYING_SECONDS)
            return self.reject(outcome.reject_cause)
        if outcome.answers_after is None:
            return
        await sleep(outcome.answers_after)
        self.answer()
        if outcome.talk_seconds:
            await sleep(outcome.talk_seconds)
            if not self.channel.gone:
                self.channel.request_hangup(16)


def dest_event(caller: Channel | None, event: str, callee: Channel, extra: list) -> None:
    fields = (caller.snapshot() if caller else []) + callee.snapshot("Dest") + extra
    callee.pbx.bus.emit(event, "call", fields)


async def ring(caller: Channel | None, leg: Leg, timeout: float | None):
    """Wait for the far end; returns ANSWER or a cause; raises TimeoutError or ChannelHungup."""
    leg.start()
    waiter = reply_within(leg, timeout)
    return await (caller.wait(waiter) if caller else waiter)


async def reply_within(leg, timeout: float | None):
    """The far end's reply, or TimeoutError after `timeout` seconds of PBX time."""
    timer = asyncio.ensure_future(leg.pbx.clock.sleep(timeout if timeout is not None else 1e9))
    try:
        await asyncio.wait({timer, leg.reply}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    if leg.reply.done():
        return leg.reply.result()
    raise TimeoutError


async def dial(caller: Channel, endpoint: Endpoint, number: str, timeout: float, *, dial_string: str,
               native_bridge: bool = True) -> tuple[str, int]:
    """Dial(): returns (DIALSTATUS, HANGUPCAUSE) once the callee is gone, or raises ChannelHungup."""
    pbx = caller.pbx
    leg = Leg(pbx, endpoint, number, linkedid=caller.linkedid)
    callee = leg.channel
    callee.announce()
    callee.newexten("AppDial", "(Outgoing Line)", exten=number)
    callee.set_caller(number if endpoint.is_trunk else callee.caller[0], caller.connected[1] if endpoint.is_trunk
                      else callee.caller[1])
    callee.set_connected(*caller.caller)
    dest_event(caller, "DialBegin", callee, [("DialString", dial_string)])
    leg.on_ringing.append(lambda: dest_event(caller, "DialState", callee, [("DialStatus", "RINGING")]))
    if caller.on_ringing:
        leg.on_ringing.append(caller.on_ringing)
    try:
        reply = await ring(caller, leg, timeout)
    except TimeoutError:
        dest_event(caller, "DialEnd", callee, [("DialStatus", "NOANSWER")])
        callee.destroy(0)
        return "NOANSWER", 0
    except ChannelHungup:
        dest_event(caller, "DialEnd", callee, [("DialStatus", "CANCEL")])
        callee.destroy(0)
        raise
    if reply != ANSWER:
        dest_event(caller, "DialEnd", callee, [("DialStatus", outcomes.dial_end_status(reply))])
        callee.destroy(reply)
        return outcomes.dial_status(reply), reply
    answer_callee(caller, callee)
    await talk(caller, callee, native_bridge=native_bridge)
    return "ANSWER", 16


def answer_callee(caller: Channel, callee: Channel) -> None:
    callee.set_state(UP)
    dest_event(caller, "DialEnd", callee, [("DialStatus", "ANSWER")])
    if caller.state != UP:
        caller.set_state(UP)
    if caller.on_answer:
        caller.on_answer()


async def talk(caller: Channel, callee: Channel, *, native_bridge: bool, in_dial: bool = True,
               before_leave: Callable[[Channel], None] | None = None) -> Channel:
    """Bridge both channels until one goes; returns the channel that ended the conversation."""
    bridge = Bridge(caller.pbx, native_when_possible=native_bridge)
    if not callee.queue_member:
        callee.newexten("AppDial", "(Outgoing Line)", exten="")
    callee.in_dial_bridge = caller.in_dial_bridge = in_dial
    bridge.enter(callee)
    bridge.enter(caller)
    ended = await first_to_stop(caller, callee)
    if before_leave:
        before_leave(ended)
    if ended is callee:
        bridge.leave(callee)
        release(callee)
        bridge.leave(caller)
        return callee
    bridge.leave(caller)
    bridge.leave(callee)
    callee.destroy(16)
    raise ChannelHungup(caller.name)


def release(callee: Channel) -> None:
    """The callee left the bridge: redirected (a new dialplan takes it) or gone."""
    if callee.redirect_to:
        from .dialplan import run_redirect
        run_redirect(callee)
    else:
        callee.teardown(callee.hangup_cause if callee.hangup_cause is not None else 16,
                        soft=callee.soft_requested)


async def first_to_stop(*channels: Channel) -> Channel:
    waiters = {asyncio.ensure_future(c.stop.wait()): c for c in channels}
    done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return next(waiters[t] for t in waiters if t in done)
