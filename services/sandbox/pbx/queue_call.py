"""The Queue() application: a caller waits with music, members are rung one at a time (rrmemory)."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .channels import Channel, ChannelHungup
from .dial import ANSWER, Leg, answer_callee, dest_event, ring, talk
from .endpoints import NOT_INUSE
from .queues import Caller, Member, Queue

if TYPE_CHECKING:
    from .pbx import Pbx


class QueueCall:
    def __init__(self, pbx: "Pbx", queue: Queue, channel: Channel, priority: int, timeout: float) -> None:
        self.pbx, self.queue, self.channel = pbx, queue, channel
        self.deadline = pbx.clock.time() + timeout
        self.caller = Caller(channel, priority, pbx.clock.time())
        self.connected = False
        self.music = False

    def remaining(self) -> float:
        return self.deadline - self.pbx.clock.time()

    def emit(self, event: str, extra: list) -> None:
        self.channel.emit(event, [("Queue", self.queue.name)] + extra, privilege="agent")

    async def run(self) -> str:
        """Returns QUEUESTATUS (TIMEOUT) when the caller is still there; raises ChannelHungup otherwise."""
        self.join()
        try:
            while self.remaining() > 0:
                member = self.queue.pick_member() if self.may_ring() else None
                if member is None:
                    await self.channel.wait(self.wait_change(min(1.0, self.remaining())))
                    continue
                if await self.ring(member):
                    return "COMPLETED"
                await self.channel.sleep(min(self.queue.retry, max(self.remaining(), 0)))
        except ChannelHungup:
            if not self.connected:
                self.stop_music()   # a hang-up stops the music first (09b), a timeout after the abandon (09)
                self.leave_unanswered()
            raise
        self.leave_unanswered()
        return "TIMEOUT"

    def may_ring(self) -> bool:
        free = sum(1 for m in self.queue.members if m.available)
        return self.queue.position(self.caller) <= free or self.queue.position(self.caller) == 1

    async def wait_change(self, seconds: float) -> None:
        changed = self.queue.changed
        sleeper = self.pbx.spawn(self.pbx.clock.sleep(seconds))
        waiter = self.pbx.spawn(changed.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waiter.cancel()

    # ---- joining and leaving -------------------------------------------------------------------
    def join(self) -> None:
        callers = self.queue.callers
        index = next((i for i, c in enumerate(callers) if c.priority < self.caller.priority), len(callers))
        callers.insert(index, self.caller)
        self.caller.original_position = index + 1
        if len(callers) == 1:
            self.pbx.devices.set(f"Queue:{self.queue.name}", "RINGING")
        self.emit("QueueCallerJoin", [("Position", str(index + 1)), ("Count", str(len(callers)))])
        self.channel.emit("MusicOnHoldStart", [("Class", "default")])
        self.music = True

    def stop_music(self) -> None:
        if self.music:
            self.music = False
            self.channel.emit("MusicOnHoldStop")

    def leave(self) -> None:
        position = self.queue.position(self.caller)
        self.stop_music()
        self.queue.callers.remove(self.caller)
        if not self.queue.callers:
            self.pbx.devices.set(f"Queue:{self.queue.name}", NOT_INUSE)
        self.emit("QueueCallerLeave", [("Position", str(position)), ("Count", str(len(self.queue.callers)))])
        self.queue.notify()

    def leave_unanswered(self) -> None:
        """Asterisk counts a queue timeout as an abandon too (trace 09)."""
        self.queue.abandoned += 1
        self.emit("QueueCallerAbandon", [("Position", str(self.queue.position(self.caller))),
                                         ("OriginalPosition", str(self.caller.original_position)),
                                         ("HoldTime", str(self.hold_time()))])
        self.leave()

    def hold_time(self) -> int:
        return int(self.pbx.clock.time() - self.caller.joined)

    # ---- ringing a member ----------------------------------------------------------------------
    async def ring(self, member: Member) -> bool:
        endpoint = self.pbx.endpoints.get(member.interface.removeprefix("PJSIP/"))
        leg = Leg(self.pbx, endpoint, endpoint.name, linkedid=self.channel.linkedid)
        agent = leg.channel
        agent.queue_member = member
        agent.connected = self.channel.caller
        agent.announce()
        member.ringing = True
        started = self.pbx.clock.time()
        dest_event(self.channel, "AgentCalled", agent, self.member_fields(member))
        dest_event(self.channel, "DialBegin", agent, [("DialString", endpoint.name)])
        leg.on_ringing.append(lambda: self.agent_ringing(agent))
        try:
            reply = await ring(self.channel, leg, min(self.queue.member_timeout, self.remaining()))
        except TimeoutError:
            reply = None
        except ChannelHungup:
            member.ringing = False
            self.stop_music()
            self.cancel(agent, twice=True)
            raise
        finally:
            member.ringing = False
        if reply != ANSWER:
            ring_ms = int((self.pbx.clock.time() - started) * 1000)
            dest_event(self.channel, "AgentRingNoAnswer", agent, self.member_fields(member) + [("RingTime", str(ring_ms))])
            dest_event(self.channel, "DialEnd", agent, [("DialStatus", "NOANSWER")])
            self.cancel(agent, twice=False)
            return False
        await self.connect(member, agent, ring_seconds=self.pbx.clock.time() - started)
        return True

    def agent_ringing(self, agent: Channel) -> None:
        agent.newexten("AppQueue", "(Outgoing Line)")
        dest_event(self.channel, "DialState", agent, [("DialStatus", "RINGING")])

    def cancel(self, agent: Channel, *, twice: bool) -> None:
        dest_event(self.channel, "DialEnd", agent, [("DialStatus", "CANCEL")])
        if twice:
            dest_event(self.channel, "DialEnd", agent, [("DialStatus", "CANCEL")])
        agent.destroy(0)

    def member_fields(self, member: Member) -> list:
        return [("Queue", self.queue.name), ("Interface", member.interface), ("MemberName", member.name)]

    async def connect(self, member: Member, agent: Channel, ring_seconds: float) -> None:
        answer_callee(self.channel, agent)
        self.connected = True
        hold = self.hold_time()
        self.leave()
        self.queue.completed += 1
        self.queue.hold_total += hold
        dest_event(self.channel, "AgentConnect", agent, self.member_fields(member) + [
            ("HoldTime", str(hold)), ("RingTime", str(max(int(ring_seconds), 1)))])
        answered = self.pbx.clock.time()

        def complete(ended: Channel) -> None:
            talk_time = int(self.pbx.clock.time() - answered)
            self.queue.talk_total += talk_time
            member.calls_taken += 1
            member.last_call = int(self.pbx.clock.time())
            dest_event(self.channel, "AgentComplete", agent, self.member_fields(member) + [
                ("HoldTime", str(hold)), ("TalkTime", str(talk_time)),
                ("Reason", "caller" if ended is self.channel else "agent")])

        await talk(self.channel, agent, native_bridge=False, in_dial=False, before_leave=complete)
