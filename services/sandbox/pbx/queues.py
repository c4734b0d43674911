"""Queues: members (penalty, pause with reason), waiting callers (position, priority) and statistics."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .endpoints import NOT_INUSE, QUEUE_STATUS
from .wire import Fields

if TYPE_CHECKING:
    from .channels import Channel
    from .pbx import Pbx


class QueueError(Exception):
    pass


@dataclass
class Member:
    interface: str
    name: str
    membership: str = "static"
    penalty: int = 0
    paused: bool = False
    paused_reason: str = ""
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = 0
    in_call: bool = False
    status: int = 1
    ringing: bool = False

    def fields(self, name_key: str = "MemberName", iface_key: str = "Interface") -> Fields:
        return [(name_key, self.name), (iface_key, self.interface), ("StateInterface", self.interface),
                ("Membership", self.membership), ("Penalty", str(self.penalty)),
                ("CallsTaken", str(self.calls_taken)), ("LastCall", str(self.last_call)),
                ("LastPause", str(self.last_pause)), ("LoginTime", str(self.login_time)),
                ("InCall", str(int(self.in_call))), ("Status", str(self.status)),
                ("Paused", str(int(self.paused))), ("PausedReason", self.paused_reason)]

    def event_fields(self) -> Fields:
        return self.fields() + [("Ringinuse", "0"), ("Wrapuptime", "0")]

    def status_fields(self) -> Fields:
        return self.fields("Name", "Location") + [("Wrapuptime", "0")]

    @property
    def available(self) -> bool:
        return not self.paused and not self.ringing and self.status == 1


@dataclass
class Caller:
    channel: "Channel"
    priority: int
    joined: float
    original_position: int = 0


@dataclass
class Queue:
    name: str
    strategy: str = "rrmemory"
    member_timeout: float = 8.0
    retry: float = 2.0
    members: list[Member] = field(default_factory=list)
    callers: list[Caller] = field(default_factory=list)
    completed: int = 0
    abandoned: int = 0
    hold_total: float = 0.0
    talk_total: float = 0.0
    next_index: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def member(self, interface: str) -> Member | None:
        return next((m for m in self.members if m.interface == interface), None)

    def position(self, caller: Caller) -> int:
        return self.callers.index(caller) + 1

    def pick_member(self) -> Member | None:
        """rrmemory: the next available member after the one rung last, lowest penalty first."""
        count = len(self.members)
        ordered = [self.members[(self.next_index + i) % count] for i in range(count)]
        candidates = [m for m in ordered if m.available]
        if not candidates:
            return None
        chosen = min(candidates, key=lambda m: m.penalty)
        self.next_index = (self.members.index(chosen) + 1) % count
        return chosen

    def change_priority(self, channel_name: str, priority: int, immediate: bool) -> bool:
        """QueueChangePriorityCaller (app_queue's change_priority_caller_on_queue): the caller's priority;
        `immediate` moves them at once ahead of every caller of a lower priority."""
        caller = next((c for c in self.callers if c.channel.name == channel_name), None)
        if caller is None:
            return False
        caller.priority = priority
        if immediate:
            self.callers.remove(caller)
            index = next((i for i, c in enumerate(self.callers) if caller.priority > c.priority), len(self.callers))
            self.callers.insert(index, caller)
            self.notify()
        return True

    def logged_in(self) -> int:
        """QUEUE_MEMBER(queue,logged): members whose device is not unavailable nor invalid."""
        return sum(1 for m in self.members if m.status not in (4, 5))

    def average(self, total: float) -> int:
        return round(total / self.completed) if self.completed else 0

    def notify(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()


class Queues:
    def __init__(self, pbx: "Pbx") -> None:
        self.pbx = pbx
        self.by_name: dict[str, Queue] = {}

    def create(self, name: str, members: list[tuple[str, str]], login_time: int) -> Queue:
        queue = Queue(name, members=[Member(iface, who, login_time=login_time) for iface, who in members])
        for member in queue.members:
            member.status = QUEUE_STATUS[self.pbx.devices.state_of(member.interface)]
        self.by_name[name] = queue
        return queue

    def get(self, name: str) -> Queue:
        """Only configured queues exist (no realtime is configured): QueueAdd elsewhere says so."""
        if name not in self.by_name:
            raise QueueError("No such queue")
        return self.by_name[name]

    def configure(self, wanted: dict[str, list[str]], previous: set[str]) -> None:
        """`queue reload all`: queues of the configuration appear or go (those dropped from it and without
        callers), their static members are the configured ones, dynamic members stay."""
        for name in previous - wanted.keys():
            if name in self.by_name and not self.by_name[name].callers:
                del self.by_name[name]
        now = int(self.pbx.clock.time())
        for name, interfaces in wanted.items():
            queue = self.by_name.get(name) or self.create(name, [], login_time=now)
            kept = [m for m in queue.members if m.membership == "dynamic" or m.interface in interfaces]
            known = {m.interface for m in kept}
            fresh = [Member(i, i, login_time=now, status=QUEUE_STATUS[self.pbx.devices.state_of(i)])
                     for i in interfaces if i not in known]
            queue.members = kept + fresh
            queue.next_index = 0
            queue.notify()

    def emit_member(self, event: str, queue: Queue, member: Member) -> None:
        self.pbx.bus.emit(event, "agent", [("Queue", queue.name)] + member.event_fields())

    def device_changed(self, device: str, state: str) -> None:
        for queue in self.by_name.values():
            member = queue.member(device)
            if member:
                member.status = QUEUE_STATUS[state]
                member.in_call = state == "INUSE"
                self.emit_member("QueueMemberStatus", queue, member)
                queue.notify()

    # ---- member management (AMI) -------------------------------------------------------------
    def add(self, name: str, interface: str, member_name: str, penalty: int, paused: bool, reason: str) -> None:
        queue = self.get(name)
        if queue.member(interface):
            raise QueueError("Already there")
        status = QUEUE_STATUS[self.pbx.devices.state_of(interface)]
        member = Member(interface, member_name or interface, "dynamic", penalty, paused, reason if paused else "",
                        login_time=int(self.pbx.clock.time()), status=status)
        queue.members.append(member)
        self._pause_device(queue, member)
        self.emit_member("QueueMemberAdded", queue, member)
        queue.notify()

    def remove(self, name: str, interface: str) -> None:
        queue = self.get(name)
        member = queue.member(interface)
        if member is None:
            raise QueueError("Not there")
        if member.membership != "dynamic":
            raise QueueError("Member not dynamic")      # a `member =>` line: only a reload removes it
        queue.members.remove(member)
        queue.next_index = queue.next_index % max(len(queue.members), 1)
        self.emit_member("QueueMemberRemoved", queue, member)

    def pause(self, name: str | None, interface: str, paused: bool, reason: str) -> int:
        touched = 0
        for queue in ([self.get(name)] if name else list(self.by_name.values())):
            member = queue.member(interface)
            if member is None:
                continue
            member.paused, member.paused_reason = paused, reason if paused else ""
            if paused:
                member.last_pause = int(self.pbx.clock.time())
            self._pause_device(queue, member)
            self.emit_member("QueueMemberPause", queue, member)
            queue.notify()
            touched += 1
        return touched

    def set_penalty(self, name: str | None, interface: str, penalty: int) -> int:
        touched = 0
        for queue in ([self.get(name)] if name else list(self.by_name.values())):
            member = queue.member(interface)
            if member:
                member.penalty = penalty
                self.emit_member("QueueMemberPenalty", queue, member)
                touched += 1
        return touched

    def _pause_device(self, queue: Queue, member: Member) -> None:
        self.pbx.devices.set(f"Queue:{queue.name}_pause_{member.interface}", "INUSE" if member.paused else NOT_INUSE)

    def drop_callers(self) -> None:
        for queue in self.by_name.values():
            queue.callers.clear()
            for member in queue.members:
                member.ringing = member.in_call = False
                member.status = QUEUE_STATUS[self.pbx.devices.state_of(member.interface)]

    # ---- lists (AMI) ---------------------------------------------------------------------------
    def status_items(self, name: str | None, member_filter: str | None) -> list[tuple[str, Fields]]:
        items: list[tuple[str, Fields]] = []
        now = self.pbx.clock.time()
        for queue in [self.by_name[name]] if name else self.by_name.values():
            items.append(("QueueParams", [
                ("Queue", queue.name), ("Max", "0"), ("Strategy", queue.strategy), ("Calls", str(len(queue.callers))),
                ("Holdtime", str(queue.average(queue.hold_total))), ("TalkTime", str(queue.average(queue.talk_total))),
                ("Completed", str(queue.completed)), ("Abandoned", str(queue.abandoned)), ("ServiceLevel", "0"),
                ("ServicelevelPerf", "0.0"), ("ServicelevelPerf2", "0.0"), ("Weight", "0")]))
            items += [("QueueMember", [("Queue", queue.name)] + m.status_fields()) for m in queue.members
                      if not member_filter or m.interface == member_filter]
            items += [("QueueEntry", [("Queue", queue.name), ("Position", str(i + 1)),
                                      ("Channel", c.channel.name), ("Uniqueid", c.channel.uniqueid),
                                      ("CallerIDNum", c.channel.caller[0]), ("CallerIDName", c.channel.caller[1]),
                                      ("ConnectedLineNum", c.channel.connected[0]),
                                      ("ConnectedLineName", c.channel.connected[1]),
                                      ("Wait", str(int(now - c.joined))), ("Priority", str(c.priority))])
                      for i, c in enumerate(queue.callers) if not member_filter]
        return items

    def summary_items(self, name: str | None) -> list[tuple[str, Fields]]:
        now = self.pbx.clock.time()
        return [("QueueSummary", [
            ("Queue", q.name), ("LoggedIn", str(len(q.members))),
            ("Available", str(sum(1 for m in q.members if m.status == 1 and not m.paused))),
            ("Callers", str(len(q.callers))), ("HoldTime", str(q.average(q.hold_total))),
            ("TalkTime", str(q.average(q.talk_total))),
            ("LongestHoldTime", str(int(max((now - c.joined for c in q.callers), default=0))))])
            for q in ([self.by_name[name]] if name else self.by_name.values())]
