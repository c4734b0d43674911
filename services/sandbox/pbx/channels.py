"""Channels and bridges, named and numbered the way Asterisk does it.

* Uniqueid is ``<epoch>.<seq>`` with one sequence for every channel of the process.
* PJSIP channels are ``PJSIP/<endpoint>-<8 hex>`` with one global hex sequence; Local channels have
  their own sequence and a ``;1``/``;2`` suffix.
* Every channel of a call carries the Linkedid of the first channel of the call.
"""
from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .wire import Fields

if TYPE_CHECKING:
    from .pbx import Pbx

DOWN, RING, RINGING, UP = 0, 4, 5, 6
STATE_DESC = {DOWN: "Down", RING: "Ring", RINGING: "Ringing", UP: "Up"}
CAUSE_TEXT = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    16: "Normal Clearing",
    17: "User busy",
    19: "User alerting, no answer",
    34: "Circuit/channel congestion",
}


class ChannelHungup(Exception):
    """Raised inside an application when its channel was asked to hang up."""


class Naming:
    def __init__(self, clock, seed: int = 0) -> None:
        self._clock = clock
        self._uniqueids = itertools.count()
        self._pjsip = itertools.count()
        self._local = itertools.count()
        self._random = random.Random(seed)

    def uniqueid(self) -> str:
        return f"{int(self._clock.time())}.{next(self._uniqueids)}"

    def pjsip(self, endpoint: str) -> str:
        return f"PJSIP/{endpoint}-{next(self._pjsip):08x}"

    def local(self, target: str) -> str:
        return f"Local/{target}-{next(self._local):08x}"

    def bridge_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))


@dataclass(eq=False)
class Channel:
    pbx: "Pbx"
    name: str
    device: str
    uniqueid: str
    linkedid: str
    caller: tuple[str, str]
    context: str
    exten: str = "s"
    priority: int = 1
    application: str = ""                # the one the last Newexten started
    state: int = DOWN
    connected: tuple[str, str] = ("<unknown>", "<unknown>")
    variables: dict[str, str] = field(default_factory=dict)
    bridge: "Bridge | None" = None
    audiohook: bool = False
    in_dial_bridge: bool = False
    hangup_cause: int | None = None
    gone: bool = False
    redirect_to: tuple[str, str] | None = None
    soft_requested: bool = False
    leg: object | None = None            # the dial.Leg when this channel was dialled
    on_answer: object | None = None      # called when a Dial answers this (Local;2) channel
    on_ringing: object | None = None     # called when what this channel dials starts ringing
    local_peer: "Channel | None" = None
    queue_member: object | None = None
    dtmf: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    # ---- snapshots -------------------------------------------------------------------------
    def snapshot(self, prefix: str = "") -> Fields:
        return [
            (f"{prefix}Channel", self.name),
            (f"{prefix}ChannelState", str(self.state)),
            (f"{prefix}ChannelStateDesc", STATE_DESC[self.state]),
            (f"{prefix}CallerIDNum", self.caller[0]),
            (f"{prefix}CallerIDName", self.caller[1]),
            (f"{prefix}ConnectedLineNum", self.connected[0]),
            (f"{prefix}ConnectedLineName", self.connected[1]),
            (f"{prefix}Language", "en"),
            (f"{prefix}AccountCode", ""),
            (f"{prefix}Context", self.context),
            (f"{prefix}Exten", self.exten),
            (f"{prefix}Priority", str(self.priority)),
            (f"{prefix}Uniqueid", self.uniqueid),
            (f"{prefix}Linkedid", self.linkedid),
        ]

    def emit(self, event: str, extra: Fields = (), privilege: str = "call") -> None:
        self.pbx.bus.emit(event, privilege, self.snapshot() + list(extra))

    # ---- life cycle ------------------------------------------------------------------------
    def announce(self) -> None:
        self.emit("Newchannel")

    def newexten(self, application: str, data: str = "", *, context: str | None = None,
                 exten: str | None = None, priority: int | None = None) -> None:
        self.context = context if context is not None else self.context
        self.exten = exten if exten is not None else self.exten
        self.priority = priority if priority is not None else self.priority
        self.application = application
        self.emit("Newexten", [("Extension", self.exten), ("Application", application), ("AppData", data)],
                  privilege="dialplan")

    def step(self, application: str, data: str = "") -> None:
        """Run the next priority of the current extension."""
        self.newexten(application, data, priority=self.priority + 1)

    def set_state(self, state: int) -> None:
        self.state = state
        self.emit("Newstate")
        self.pbx.devices.refresh(self.device)

    def set_caller(self, number: str, name: str) -> None:
        self.caller = (number, name)
        self.emit("NewCallerid", [("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")])

    def set_connected(self, number: str, name: str) -> None:
        self.connected = (number, name)
        self.emit("NewConnectedLine")

    def blind_transfer(self, context: str, exten: str) -> bool:
        """The party bridged to this channel goes to `context,exten` (a SIP REFER, AMI BlindTransfer); False
        when this channel is in no bridge (app_queue/res_pjsip: « Transfer invalid »)."""
        peer = self.bridge.peer_of(self) if self.bridge else None
        if peer is None:
            return False
        peer.redirect(context, exten)
        return True

    def redirect(self, context: str, exten: str) -> None:
        """AMI Redirect, or a blind transfer (SIP REFER): the running application unwinds, then `context`."""
        if self.leg is not None and self.bridge is not None:
            self.newexten("AppDial", "(Outgoing Line)")   # a stale event Asterisk emits for a dialled leg
        self.redirect_to = (context, exten)
        self.stop.set()

    # ---- hanging up ------------------------------------------------------------------------
    def request_hangup(self, cause: int = 16) -> None:
        """The far end hung up (SIP BYE, or an error answer before answer)."""
        if self.gone or self.stop.is_set():
            return
        # Asterisk shows the cause only for a leg that is not up yet or sits in a Dial bridge;
        # a BYE while an application (Queue, ChanSpy, Read...) owns the channel ends with cause 0.
        announced = self.in_dial_bridge or self.state != UP
        self.emit("HangupRequest", [("Cause", str(cause))] if announced else [])
        self.hangup_cause = cause if (self.bridge or self.state != UP) else 0
        self.stop.set()

    def soft_hangup(self, cause: int = 16) -> None:
        """A local hang-up (AMI Hangup): the running application unwinds, then the channel goes."""
        self.hangup_cause = cause
        self.soft_requested = True
        self.stop.set()

    def teardown(self, cause: int, soft: bool = True) -> None:
        """Hang up from this side: SoftHangupRequest (always 16, as Asterisk shows it), then Hangup."""
        if self.gone:
            return
        if soft:
            self.emit("SoftHangupRequest", [("Cause", "16")])
        self.destroy(cause)

    def destroy(self, cause: int) -> None:
        if self.gone:
            return
        self.gone = True
        self.stop.set()
        self.emit("Hangup", [("Cause", str(cause)), ("Cause-txt", CAUSE_TEXT.get(cause, "Unknown"))])
        self.pbx.forget(self)
        peer = self.local_peer
        if peer and not peer.gone:
            if peer.leg and not peer.leg.reply.done():
                peer.leg.reject(cause or 16)
            else:
                peer.request_hangup(16)

    async def sleep(self, seconds: float) -> None:
        await self.wait(self.pbx.clock.sleep(seconds))

    async def wait(self, awaitable):
        """Await something unless the channel is told to stop first (then raise ChannelHungup)."""
        task = asyncio.ensure_future(awaitable)
        stopper = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        if task.done() and not self.stop.is_set():
            return task.result()
        # a hang-up that lands on the same moment as the awaited thing wins, as in Asterisk
        task.cancel()
        raise ChannelHungup(self.name)


class Bridge:
    def __init__(self, pbx: "Pbx", *, native_when_possible: bool) -> None:
        self.pbx = pbx
        self.id = pbx.naming.bridge_id()
        self.technology = "simple_bridge"
        self.members: list[Channel] = []
        self._native_when_possible = native_when_possible
        self._emit("BridgeCreate")

    def _fields(self) -> Fields:
        return [("BridgeUniqueid", self.id), ("BridgeType", "basic"), ("BridgeTechnology", self.technology),
                ("BridgeCreator", "<unknown>"), ("BridgeName", "<unknown>"),
                ("BridgeNumChannels", str(len(self.members))), ("BridgeVideoSourceMode", "none")]

    def _emit(self, event: str, channel: Channel | None = None) -> None:
        self.pbx.bus.emit(event, "call", self._fields() + (channel.snapshot() if channel else []))

    def enter(self, channel: Channel) -> None:
        self.members.append(channel)
        channel.bridge = self
        self._emit("BridgeEnter", channel)
        if len(self.members) == 2 and self._native_when_possible and not any(c.audiohook for c in self.members):
            # Asterisk moves a plain 2-party PJSIP bridge to native_rtp without announcing it.
            self.technology = "native_rtp"

    def leave(self, channel: Channel) -> None:
        if channel not in self.members:
            return
        self.members.remove(channel)
        channel.bridge = None
        channel.in_dial_bridge = False
        self._emit("BridgeLeave", channel)
        if not self.members:
            self._emit("BridgeDestroy")

    def peer_of(self, channel: Channel) -> Channel | None:
        return next((c for c in self.members if c is not channel), None)
