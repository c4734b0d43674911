"""Read the recorded Asterisk traces and compare them with what the simulator emits.

Filtered out before comparing (the simulator does not emit them): VarSet, CEL, Cdr, RTCPSent
(noise for the product: variables, billing records, RTP statistics). NewCallerid/NewConnectedLine
are emitted but left out of the comparison: their count depends on SIP re-INVITEs we do not model.
Events are compared per stream (one stream per channel, bridge, device, queue member, and the
Dest-only Dial* events of an originated leg, whose order against Newstate varies in Asterisk: 02 vs 06),
because across channels Asterisk's own order varies from run to run (see traces 05 and 06).
OriginateResponse is checked on the action's result instead (panoramisk hands it to the action).
"""
from __future__ import annotations

import asyncio
import difflib
import re
from collections import defaultdict
from pathlib import Path

TRACES = Path(__file__).resolve().parents[4] / ".." / "shared" / "notes" / "ami-traces"
NOISE = {"VarSet", "CEL", "Cdr", "RTCPSent", "RTCPReceived", "NewCallerid", "NewConnectedLine",
         "SuccessfulAuth", "FullyBooted", "RequestBadFormat", "OriginateResponse"}
KEY_FIELDS = ("ChannelStateDesc", "Cause", "DialStatus", "Reason", "Position", "Count", "Queue",
              "Status", "UserEvent", "State", "Digit", "Paused", "PausedReason", "Penalty", "MemberName")


def parse_trace(name: str) -> list[dict]:
    """Every message Asterisk sent, as dicts (repeated keys keep the first value)."""
    text = (TRACES / name).read_text()
    blocks = re.split(r"^# \+\d+ms (->|<-|##)\n", text, flags=re.M)
    messages = []
    for direction, body in zip(blocks[1::2], blocks[2::2]):
        if direction != "<-":
            continue
        message: dict = {}
        for line in body.strip("\n").split("\n"):
            key, sep, value = line.partition(": ")
            if sep or line.endswith(":"):
                message.setdefault(key.rstrip(":"), value)
        if "Event" in message or "Response" in message:
            messages.append(message)
    return messages


def stream_key(message: dict) -> str | None:
    event = message.get("Event", "")
    if message.get("DestChannel") and not message.get("Channel"):
        return "dial:" + message["DestChannel"]
    for field in ("Channel", "SpyerChannel", "LocalOneChannel"):
        if message.get(field):
            return "chan:" + message[field]
    if event.startswith("Bridge"):
        return "bridge:" + message["BridgeUniqueid"]
    if event == "DeviceStateChange":
        return "device:" + message["Device"]
    if event.startswith("QueueMember"):
        return "member:" + message.get("Interface", message.get("Location", ""))
    return "global" if event else None


def channel_role(name: str) -> str:
    """'PJSIP/2001-0000001f' -> 'PJSIP/2001'; 'Local/2001@dial-agent-00000000;2' -> 'Local/2001@dial-agent;2'."""
    return re.sub(r"-[0-9a-f]{8}", "", name)


def normalise(messages: list[dict], keys: tuple[str, ...] = KEY_FIELDS, apps: bool = True) -> dict:
    """Streams of (event, key fields) with channel names, bridge ids and uniqueids replaced by roles."""
    roles: dict[str, str] = {}
    streams: dict[str, list] = defaultdict(list)

    def role(kind: str, value: str) -> str:
        if value not in roles:
            seen = sum(1 for r in roles.values() if r.startswith(f"{kind}:{channel_role(value)}#"))
            roles[value] = f"{kind}:{channel_role(value)}#{seen}"
        return roles[value]

    for message in messages:
        event = message.get("Event")
        if not event or event in NOISE or "ActionID" in message:   # list items are checked by the action tests
            continue
        key = stream_key(message)
        for field in ("Channel", "DestChannel", "SpyerChannel", "SpyeeChannel", "LocalOneChannel"):
            if message.get(field):
                role("chan", message[field])
        if message.get("Uniqueid") and message.get("Channel"):
            roles.setdefault(message["Uniqueid"], roles[message["Channel"]])
        item = [event] + [f"{k}={message[k]}" for k in keys if k in message]
        if apps and event == "Newexten":
            item.append(f"App={message.get('Application')}")
        if message.get("Linkedid") and message["Linkedid"] in roles:
            item.append(f"Linked={roles[message['Linkedid']]}")
        if message.get("DestChannel") and key != "chan:" + message["DestChannel"]:
            item.append(f"Dest={roles[message['DestChannel']]}")
        for field in ("SpyeeChannel",):
            if message.get(field):
                item.append(f"{field}={roles[message[field]]}")
        stream = key
        if key.startswith("chan:"):
            stream = roles[key[5:]]
        elif key.startswith("dial:"):
            stream = roles[key[5:]] + " (originate dial)"
        elif key.startswith("bridge:"):
            stream = roles.setdefault(key, f"bridge#{sum(1 for r in roles.values() if r.startswith('bridge#'))}")
        streams[stream].append(tuple(item))
    return dict(streams)


class Recorder:
    """Collects every event a panoramisk Manager receives, as plain dicts, and lets tests await one."""

    def __init__(self, manager) -> None:
        self.events: list[dict] = []
        self._waiters: list[tuple[dict, asyncio.Future]] = []
        manager.register_event("*", self._on_event)

    def _on_event(self, manager, message) -> None:
        event = {k: v for k, v in message.items()}
        self.events.append(event)
        for match, future in list(self._waiters):
            if not future.done() and all(event.get(k) == v for k, v in match.items()):
                future.set_result(event)

    async def wait(self, event: str, timeout: float = 5.0, **match: str) -> dict:
        wanted = {"Event": event, **match}
        for seen in self.events:
            if all(seen.get(k) == v for k, v in wanted.items()) and seen.get("_claimed") is None:
                seen["_claimed"] = True
                return seen
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((wanted, future))
        result = await asyncio.wait_for(future, timeout)
        result["_claimed"] = True
        return result

    def clear(self) -> None:
        self.events.clear()


def compare(trace: str, events: list[dict], only: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """(expected, actual) streams, restricted to the streams named in `only` when given."""
    expected, actual = normalise(parse_trace(trace)), normalise(events)
    if only:
        expected = {k: v for k, v in expected.items() if k.startswith(only)}
        actual = {k: v for k, v in actual.items() if k.startswith(only)}
    return expected, actual


def render(streams: dict) -> str:
    """One line per event, grouped by stream, so a failing comparison shows a readable diff."""
    return "\n".join(f"{name}: {' '.join(item)}" for name in sorted(streams) for item in streams[name])


def assert_matches(trace: str, events: list[dict], only: tuple[str, ...] = ()) -> None:
    expected, actual = compare(trace, events, only)
    diff = list(difflib.unified_diff(render(expected).splitlines(), render(actual).splitlines(),
                                     "asterisk", "simulator", lineterm="", n=2))
    assert not diff, "\n".join(diff)
