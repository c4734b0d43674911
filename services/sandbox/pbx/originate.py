"""The Originate action: call a channel, and once it answers run a dialplan context or an application.

OriginateResponse Reason: 4 answered, 3 no answer (timeout, Cause 19), 0 anything else (no such
endpoint, bad technology, 486, 404, 503). On failure Channel is the dial string and the ids are <unknown>.
"""
from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from .channels import Channel, DOWN, RING, RINGING, UP
from .dial import ANSWER, Leg, dest_event, ring
from .dialplan import run, run_context
from .wire import Action, Fields

if TYPE_CHECKING:
    from .pbx import Pbx

NO_ANSWER_CAUSE = 19


def parse_callerid(text: str) -> tuple[str, str] | None:
    match = re.match(r'\s*"?([^"<]*)"?\s*<([^>]*)>', text)
    if match:
        return match.group(2), match.group(1).strip()
    return (text, "") if text else None


class LocalLeg:
    """Local/<exten>@<context>: ';1' is what Originate sees, ';2' runs <context> and dials the agent."""

    def __init__(self, pbx: "Pbx", exten: str, context: str, caller: tuple[str, str],
                 linkedid: str | None = None) -> None:
        base = pbx.naming.local(f"{exten}@{context}")
        device = f"Local/{exten}@{context}"
        self.pbx, self.context, self.exten = pbx, context, exten
        self.channel = pbx.new_channel(f"{base};1", device, context=context, caller=caller, exten=exten,
                                       linkedid=linkedid)
        self.two = pbx.new_channel(f"{base};2", device, context=context, caller=caller, exten=exten,
                                   linkedid=self.channel.linkedid, state=RING)
        self.channel.local_peer, self.two.local_peer = self.two, self.channel
        self.channel.leg = self
        self.reply: asyncio.Future = asyncio.get_running_loop().create_future()
        self.on_ringing: list = []
        self.two.on_answer = lambda: self.reply.done() or self.reply.set_result(ANSWER)
        self.two.on_ringing = self.ringing

    def ringing(self) -> None:
        if self.channel.state == DOWN:
            self.channel.set_state(RINGING)
            for callback in self.on_ringing:
                callback()

    def reject(self, cause: int) -> None:
        if not self.reply.done():
            self.reply.set_result(cause)

    def announce(self) -> None:
        self.channel.announce()
        self.two.announce()

    def emit_local_bridge(self) -> None:
        fields = self.channel.snapshot("LocalOne") + self.two.snapshot("LocalTwo") + [
            ("Context", self.context), ("Exten", self.exten), ("LocalOptimization", "Yes")]
        self.pbx.bus.emit("LocalBridge", "call", fields)

    def start(self) -> None:
        two = self.two
        run(two, lambda c: run_context(c, self.context, self.exten))


class Originate:
    def __init__(self, pbx: "Pbx", action: Action) -> None:
        self.pbx, self.action = pbx, action
        self.announce = action.is_true("Async")   # only an asynchronous Originate ends with OriginateResponse
        self.dial_string = action.get("Channel")
        self.timeout = int(action.get("Timeout") or 30000) / 1000
        self.callerid = parse_callerid(action.get("CallerID"))
        self.leg: Leg | LocalLeg | None = None

    def target(self) -> Fields:
        if self.action.get("Application"):
            return [("Application", self.action.get("Application")), ("Data", self.action.get("Data"))]
        return [("Context", self.action.get("Context")), ("Exten", self.action.get("Exten"))]

    def prepare(self) -> bool:
        """Create the leg; False when the channel cannot be created (Asterisk then fails at once)."""
        tech, _, resource = self.dial_string.partition("/")
        if tech == "Local" and "@" in resource:
            exten, _, context = resource.partition("@")
            if self.pbx.tenant_of_context(context):
                self.leg = LocalLeg(self.pbx, exten, context, self.callerid or ("<unknown>", "<unknown>"))
            return self.leg is not None
        if tech != "PJSIP":
            return False
        number, _, trunk = resource.partition("@")
        endpoint = self.pbx.endpoints.get(trunk or number)
        if endpoint is None or (not endpoint.is_trunk and not endpoint.contact):
            return False
        self.leg = Leg(self.pbx, endpoint, number, linkedid=None)
        return True

    async def run(self) -> tuple[bool, int]:
        """Dial, answer and start the dialplan; (answered, Reason)."""
        if self.leg is None and not self.prepare():
            self.respond(False, 0)
            return False, 0
        channel = self.leg.channel
        self.assign_channel_id(channel)
        self.leg.announce() if isinstance(self.leg, LocalLeg) else channel.announce()
        channel.newexten("AppDial2", "(Outgoing Line)")
        if isinstance(self.leg, LocalLeg):
            self.leg.emit_local_bridge()
        channel.variables.update(self.action.variables())
        if self.callerid and not isinstance(self.leg, LocalLeg):
            channel.set_caller(*self.callerid)
            channel.set_connected(*self.callerid)
        dial_string = self.dial_string.partition("/")[2]
        dest_event(None, "DialBegin", channel, [("DialString", dial_string)])
        self.leg.on_ringing.append(lambda: dest_event(None, "DialState", channel, [("DialStatus", "RINGING")]))
        try:
            reply = await ring(None, self.leg, self.timeout)
        except TimeoutError:
            self.respond(False, 3)
            channel.destroy(NO_ANSWER_CAUSE)
            return False, 3
        if reply != ANSWER:
            self.respond(False, 0)
            dest_event(None, "DialEnd", channel, [("DialStatus", _dial_end(reply))])
            channel.destroy(reply)
            return False, 0
        channel.set_state(UP)
        dest_event(None, "DialEnd", channel, [("DialStatus", "ANSWER")])
        self.start_dialplan(channel)
        self.respond(True, 4)
        return True, 4

    def assign_channel_id(self, channel: Channel) -> None:
        """`ChannelId`: the caller chooses the new channel's Uniqueid (and so can hang it up before it answers)."""
        wanted = self.action.get("ChannelId")
        if not wanted:
            return
        channel.linkedid = wanted if channel.linkedid == channel.uniqueid else channel.linkedid
        channel.uniqueid = wanted
        if isinstance(self.leg, LocalLeg):
            self.leg.two.linkedid = wanted

    def start_dialplan(self, channel: Channel) -> None:
        application = self.action.get("Application")
        if application:
            seconds = float(self.action.get("Data") or 0) if application.lower() == "wait" else 0.0
            run(channel, lambda c: c.sleep(seconds))
            return
        run(channel, lambda c: run_context(c, self.action.get("Context"), self.action.get("Exten") or "s"))

    def respond(self, answered: bool, reason: int) -> None:
        if not self.announce:
            return
        channel = self.leg.channel if (answered and self.leg) else None
        fields: Fields = ([("ActionID", self.action.action_id)] if self.action.action_id is not None else [])
        fields += [("Response", "Success" if answered else "Failure"),
                   ("Channel", channel.name if channel else self.dial_string)] + self.target()
        # a failure names no channel, but the ChannelId the client chose (trace 17)
        unknown = self.action.get("ChannelId") or "<unknown>"
        fields += [("Reason", str(reason)), ("Uniqueid", channel.uniqueid if channel else unknown),
                   ("CallerIDNum", channel.caller[0] if channel else "<unknown>"),
                   ("CallerIDName", channel.caller[1] if channel else "<unknown>")]
        self.pbx.bus.emit("OriginateResponse", "call", fields)


def _dial_end(cause: int) -> str:
    from .outcomes import dial_end_status
    return dial_end_status(cause)
