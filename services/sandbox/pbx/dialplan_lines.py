"""Dialplan the product writes itself, run line by line as Asterisk does (extensions.d/*.conf).

The built-in flows of dialplan.py model the shipped template; the lines a tenant's include adds on top
(its DIDs in `[from-carrier](+)`, the menus of the IVR designer `t-<slug>-ivr-<id>`) are read here on
`dialplan reload` and interpreted: the applications the product generates (NoOp, Set, Answer, Wait,
Playback, UserEvent, Background, WaitExten, Goto, GotoIf, GotoIfTime, Queue, VoiceMail, Hangup), `${VAR}` and
`$[a op b]`, `${QUEUE_MEMBER(<queue>,logged)}`, UserEvent, Record (the caller speaks `RECORD_SECONDS`), labels, the `i` / `t` extensions, Newexten and DTMF events as a real Asterisk sends them.
The caller's keys come from the test's control side (`PbxControl.inbound_call(..., digits="2")`): a key
is pressed 1.3 s into a prompt or into WaitExten (dialplan.read_digit, as the traces' RFC 4733 digits).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .queue_call import QueueCall
from .tenants import FLOWS

if TYPE_CHECKING:
    from .channels import Channel

SECTION = re.compile(r"^\[([^\]]+)\](?:\(([^)]*)\))?")
EXTEN = re.compile(r"^exten\s*=>\s*([^,]+),\s*1\s*,(.*)$")
SAME = re.compile(r"^same\s*=>\s*n(?:\(([A-Za-z0-9_-]+)\))?\s*,(.*)$")
VAR = re.compile(r"\$\{([A-Za-z0-9_()]+)\}")
QUEUE_MEMBER = re.compile(r"\$\{QUEUE_MEMBER\(([A-Za-z0-9_-]+),logged\)\}")
EXPR = re.compile(r"\$\[([^\[\]]*)\]")
SOUNDS = "/var/lib/asterisk/sounds/custom"
PROMPT_SECONDS = 1.5
RECORD_SECONDS = 3.0                   # how long a simulated caller speaks after the beep of Record()
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True)
class Line:
    label: str
    app: str
    data: str


Dialplan = dict[str, dict[str, list[Line]]]      # context -> extension -> priorities


def _app(text: str) -> tuple[str, str]:
    name, _, rest = text.strip().partition("(")
    return name.strip(), rest[:-1] if rest.endswith(")") else rest


def read_dialplan(folder: Path) -> Dialplan:
    """The lines of every extensions.d/*.conf outside the template's own flows (t-<slug>-<flow>)."""
    found: Dialplan = {}
    for path in sorted((folder / "extensions.d").glob("*.conf")):
        builtin = {f"t-{path.stem}-{flow}" for flow in FLOWS}
        context: dict[str, list[Line]] | None = None
        current: list[Line] | None = None
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split(";", 1)[0].strip()
            if header := SECTION.match(line):
                name = header.group(1)
                context = None if name in builtin else found.setdefault(name, {})
                current = None
            elif context is not None and (first := EXTEN.match(line)):
                current = context.setdefault(first.group(1).strip(), [])
                current[:] = [Line("", *_app(first.group(2)))]
            elif context is not None and current is not None and (more := SAME.match(line)):
                current.append(Line(more.group(1) or "", *_app(more.group(2))))
    return found


# ---- expressions ------------------------------------------------------------------------------------
def substitute(channel: "Channel", text: str) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        special = {"EXTEN": channel.exten, "CALLERID(num)": channel.caller[0], "UNIQUEID": channel.uniqueid,
                   "SOUNDS": channel.pbx.globals.get("SOUNDS", SOUNDS)}
        return special.get(name, channel.variables.get(name, channel.pbx.globals.get(name, "")))
    def logged(match: re.Match) -> str:
        queue = channel.pbx.queues.by_name.get(match.group(1))
        return str(queue.logged_in() if queue else 0)
    text = VAR.sub(value, QUEUE_MEMBER.sub(logged, text))
    return EXPR.sub(lambda m: evaluate(m.group(1)), text)


def evaluate(expression: str) -> str:
    """`$[a op b]` with + - < > <= >= = != on integers (strings compare as text); 1/0 for conditions."""
    match = re.match(r"^\s*(\S*)\s*(<=|>=|!=|=|<|>|\+|-)\s*(\S*)\s*$", expression)
    if not match:
        return expression.strip()
    left, op, right = match.groups()
    left, right = left.strip('"'), right.strip('"')
    numbers = left.lstrip("-").isdigit() and right.lstrip("-").isdigit()
    a, b = (int(left), int(right)) if numbers else (left, right)
    if op == "+":
        return str(a + b)
    if op == "-":
        return str(a - b)
    return str(int({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b, "=": a == b, "!=": a != b}[op]))


def in_time(spec: list[str], now: float) -> bool:
    """GotoIfTime's times,weekdays,mdays,months[,timezone] (`&` lists, `-` ranges, `*` any)."""
    times, days = spec[0], spec[1]
    zone = ZoneInfo(spec[4]) if len(spec) > 4 and spec[4] else datetime.timezone.utc
    moment = datetime.datetime.fromtimestamp(now, zone)
    if times not in ("", "*"):
        start, _, end = times.partition("-")
        if not start <= moment.strftime("%H:%M") <= (end or start):
            return False
    if days not in ("", "*"):
        allowed = set()
        for part in days.lower().split("&"):
            first, _, last = part.partition("-")
            a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
            allowed |= set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(0, b + 1))
        if moment.weekday() not in allowed:
            return False
    return True


# ---- running ---------------------------------------------------------------------------------------
class Jump(Exception):
    def __init__(self, context: str, exten: str, priority: str) -> None:
        self.context, self.exten, self.priority = context, exten, priority


def _target(channel: "Channel", text: str) -> Jump:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return Jump(channel.context, channel.exten, parts[0])
    if len(parts) == 2:
        return Jump(channel.context, parts[0], parts[1])
    return Jump(parts[0], parts[1], parts[2])


def _branch(channel: "Channel", condition: bool, targets: str) -> None:
    when_true, _, when_false = targets.partition(":")
    chosen = when_true if condition else when_false
    if chosen:
        raise _target(channel, chosen)


# Asterisk finds an application whatever the case it is written in, and its Newexten names it as the module
# registered it (checked on 22.10.1: `Background(...)` runs as « Application: BackGround »).
REGISTERED = {name.lower(): name for name in (
    "Answer", "BackGround", "Dial", "ExecIf", "Goto", "GotoIf", "GotoIfTime", "Hangup", "NoOp", "Playback",
    "Queue", "Read", "Record", "Set", "UserEvent", "VoiceMail", "Wait", "WaitExten")}


def registered_name(app: str) -> str:
    return REGISTERED.get(app.lower(), app)


async def run_lines(channel: "Channel", context: str, exten: str, priority: str = "1") -> None:
    """Run `context,exten,priority` and whatever it jumps to, until a Hangup or the end of an extension."""
    from .dialplan import hangup, run_context
    dialplan: Dialplan = channel.pbx.dialplan
    while True:
        if context not in dialplan:               # one of the template's flows (dialplan.py)
            await run_context(channel, context, exten)
            return
        lines = dialplan[context].get(exten)
        if lines is None:
            lines, exten = dialplan[context].get("i"), "i"
            if lines is None:
                await hangup(channel)
        index = int(priority) - 1 if priority.isdigit() else next(
            i for i, line in enumerate(lines) if line.label == priority)
        channel.context, channel.exten = context, exten
        try:
            while index < len(lines):
                line = lines[index]
                data = substitute(channel, line.data)
                app = registered_name(line.app)
                channel.newexten(app, data, priority=index + 1)
                await _execute(channel, app, data)
                index += 1
            return                                   # the end of an extension: the channel hangs up
        except Jump as jump:
            context, exten, priority = jump.context, jump.exten, jump.priority


async def _execute(channel: "Channel", app: str, data: str) -> None:
    from .channels import UP
    from .dialplan import HungUp, read_digit
    args = data.split(",")
    if app == "NoOp":
        return
    if app == "Set":
        name, _, value = data.partition("=")
        channel.variables[name.lstrip("_")] = value
    elif app == "Answer":
        if channel.state != UP:
            channel.set_state(UP)
    elif app == "Wait":
        await channel.sleep(float(args[0] or 0))
    elif app == "Playback":
        await channel.sleep(PROMPT_SECONDS)
    elif app == "BackGround":
        key = await read_digit(channel, PROMPT_SECONDS) if channel.dtmf else await _silence(channel, PROMPT_SECONDS)
        if key:
            raise Jump(channel.context, key if key in channel.pbx.dialplan[channel.context] else "i", "1")
    elif app == "WaitExten":
        key = await read_digit(channel, float(args[0] or 5))
        exten = key if key in channel.pbx.dialplan[channel.context] else "i" if key else "t"
        raise Jump(channel.context, exten, "1")
    elif app == "Goto":
        raise _target(channel, data)
    elif app == "GotoIf":
        condition, _, targets = data.partition("?")
        _branch(channel, condition.strip() not in ("", "0"), targets)
    elif app == "GotoIfTime":
        spec, _, targets = data.partition("?")
        _branch(channel, in_time(spec.split(","), channel.pbx.clock.time()), targets)
    elif app == "Queue":
        queue = channel.pbx.queues.by_name.get(args[0])
        if queue is None:                                  # Asterisk: « Unable to join queue »
            channel.variables["QUEUESTATUS"] = "UNKNOWN"
            return
        timeout = float(args[4]) if len(args) > 4 and args[4] else 3600.0
        priority = int(channel.variables.get("QUEUE_PRIO") or 0)
        channel.variables["QUEUESTATUS"] = await QueueCall(channel.pbx, queue, channel, priority, timeout).run()
    elif app == "VoiceMail":
        if channel.state != UP:
            channel.set_state(UP)
        await channel.sleep(PROMPT_SECONDS + 3)            # the greeting, then the caller's message
        channel.variables["VMSTATUS"] = "SUCCESS"
    elif app == "UserEvent":
        name, _, body = data.partition(",")
        headers = [tuple(part.strip() for part in item.split(":", 1)) for item in body.split(",") if ":" in item]
        channel.emit("UserEvent", [("UserEvent", name)] + headers, privilege="user")
    elif app == "Record":                                 # Record(file,silence,maxduration,options)
        if channel.state != UP:
            channel.set_state(UP)
        await channel.sleep(RECORD_SECONDS)
        from .recording import write_wav
        write_wav(channel.pbx.recorder.local_path(args[0]), RECORD_SECONDS)
        channel.variables["RECORD_STATUS"] = "HANGUP"
        channel.teardown(16)                              # the simulated caller hangs up after speaking
        raise HungUp
    elif app == "Hangup":                                 # its Newexten is out already
        channel.teardown(int(args[0]) if args[0].isdigit() else 16)
        raise HungUp
    else:
        raise ValueError(f"the simulator does not run {app}()")


async def _silence(channel: "Channel", seconds: float) -> str:
    await channel.sleep(seconds)
    return ""
