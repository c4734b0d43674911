"""The dialplan of every tenant, as Python: one coroutine per context (see asterisk/ for the real one).

A flow runs on a channel until it returns (the channel then hangs up with cause 0, as after
Wait()), calls ``hangup()`` (the Hangup() application) or is interrupted by a hang-up or a Redirect.
"""
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Awaitable, Callable

from . import outcomes
from .channels import Channel, ChannelHungup, UP
from .dial import ANSWER, answer_callee, dest_event, dial, ring, talk
from .queue_call import QueueCall
from .spy import chan_spy
from .tenants import Tenant

if TYPE_CHECKING:
    from .pbx import Pbx

Flow = Callable[[Channel, Tenant], Awaitable[None]]
MONITOR_DIR = "/var/spool/asterisk/monitor"
SOUNDS = "/var/lib/asterisk/sounds/custom"


class HungUp(Exception):
    """The Hangup() application ran."""


def run(channel: Channel, flow: Callable[[Channel], Awaitable[None]]) -> None:
    channel.pbx.spawn(_run(channel, flow))


async def _run(channel: Channel, flow) -> None:
    try:
        await flow(channel)
    except HungUp:
        return
    except ChannelHungup:
        if channel.redirect_to:
            return run_redirect(channel)
        return channel.teardown(channel.hangup_cause if channel.hangup_cause is not None else 16)
    channel.destroy(0)


def run_redirect(channel: Channel) -> None:
    context, exten = channel.redirect_to
    channel.redirect_to = None
    channel.stop.clear()
    channel.soft_requested = False
    channel.hangup_cause = None
    run(channel, lambda c: run_context(c, context, exten))


async def run_context(channel: Channel, context: str, exten: str) -> None:
    if context in channel.pbx.dialplan:            # lines of the product's includes (an IVR menu...)
        from .dialplan_lines import run_lines
        await run_lines(channel, context, exten)
        return
    found = channel.pbx.tenant_of_context(context)
    if found is None:
        return
    tenant, flow = found
    channel.context, channel.exten, channel.priority = context, exten, 1
    await FLOWS[flow](channel, tenant)


async def hangup(channel: Channel, cause: int = 16) -> None:
    channel.step("Hangup")
    channel.teardown(cause or 16)
    raise HungUp


async def playback(channel: Channel, sound: str, seconds: float) -> None:
    channel.step("Playback", f"{SOUNDS}/{sound}")
    await channel.sleep(seconds)


def user_event(channel: Channel, name: str, **values: str) -> None:
    body = ",".join(f"{k}: {v}" for k, v in values.items())
    channel.step("UserEvent", f"{name},{body}")
    channel.emit("UserEvent", [("UserEvent", name)] + list(values.items()), privilege="user")


# ---- outbound ------------------------------------------------------------------------------------
async def outbound_agent_first(channel: Channel, tenant: Tenant) -> None:
    pbx, customer = channel.pbx, channel.exten
    campaign = channel.variables.get("CAMPAIGN", "")
    agent = channel.variables.get("AGENT_ID", channel.caller[0])
    timeout = int(channel.variables.get("DIAL_TIMEOUT") or 30)
    channel.newexten("NoOp", f"Agent {agent} up, dialing customer {customer} campaign {campaign}", priority=1)
    recording = f"{MONITOR_DIR}/out-{channel.uniqueid}.wav"
    if channel.variables.get("RECORD") != "0":         # the campaign does not record: RECORD=0
        channel.step("MixMonitor", recording)
        pbx.recorder.start(channel, recording)
    number = channel.variables.get("CALLER_NUM") or tenant.company_number   # the campaign's DID
    channel.step("Set", f"CALLERID(num)={number}")
    channel.set_caller(number, channel.caller[1])
    channel.step("Set", f"CALLERID(name)={tenant.company_name}")
    channel.set_caller(number, tenant.company_name)
    channel.step("Dial", f"PJSIP/{customer}@carrier,{timeout},g")
    status, cause = await dial(channel, pbx.endpoints.get("carrier"), customer, timeout,
                               dial_string=f"{customer}@carrier")
    channel.variables.update(DIALSTATUS=status, HANGUPCAUSE=str(cause))
    channel.step("StopMixMonitor")
    pbx.recorder.stop(channel)
    channel.step("NoOp", f"DIALSTATUS={status} HANGUPCAUSE={cause}")
    user_event(channel, "CallResult", Campaign=campaign, Customer=customer, DialStatus=status,
               HangupCause=str(cause))
    await hangup(channel, cause)


async def amd_outbound(channel: Channel, tenant: Tenant) -> None:
    channel.newexten("NoOp", "Customer answered, running AMD", priority=1)
    channel.step("AMD")
    status, cause, seconds = outcomes.amd_result(channel.leg.outcome if channel.leg else outcomes.Outcome())
    await channel.sleep(seconds)
    channel.variables.update(AMDSTATUS=status, AMDCAUSE=cause)
    channel.step("Set", f"AMD_RESULT={status}")
    user_event(channel, "AMDResult", Status=status, Cause=cause)
    human = status == "HUMAN"
    channel.step("GotoIf", f"{int(human)}?human")
    if not human:
        await playback(channel, "sorry-we-missed-you", 1.5)
        await hangup(channel)
    agent = tenant.endpoint(channel.variables.get("AGENT_ID") or next(iter(tenant.agents)))
    channel.newexten("Dial", f"PJSIP/{agent},15,g", exten="human", priority=1)
    status, cause = await dial(channel, channel.pbx.endpoints.get(agent), agent, 15, dial_string=agent)
    await hangup(channel, cause)


async def predictive(channel: Channel, tenant: Tenant) -> None:
    """Customer first into the campaign's queue: no agent within QUEUE_WAIT seconds is an abandon."""
    channel.newexten("NoOp", f"Customer answered, campaign {channel.variables.get('CAMPAIGN', '')}", priority=1)
    if channel.variables.get("RECORD") == "1":
        recording = f"{MONITOR_DIR}/out-{channel.uniqueid}.wav"
        channel.step("MixMonitor", recording)
        channel.pbx.recorder.start(channel, recording)
    wait = float(channel.variables.get("QUEUE_WAIT") or 2)
    queue = channel.pbx.queues.get(channel.variables.get("QUEUE", ""))
    channel.step("Queue", f"{queue.name},,,,{wait:g}")
    status = await QueueCall(channel.pbx, queue, channel, 0, wait).run()
    channel.variables["QUEUESTATUS"] = status
    if status == "COMPLETED":
        await hangup(channel)
    user_event(channel, "PredictiveResult", Campaign=channel.variables.get("CAMPAIGN", ""), QueueStatus=status)
    await playback(channel, "sorry-we-missed-you", 1.5)
    await hangup(channel)


async def dial_agent(channel: Channel, tenant: Tenant) -> None:
    endpoint = tenant.endpoint(channel.exten)
    channel.newexten("NoOp", f"Ringing agent {channel.exten}", priority=1)
    channel.step("Dial", f"PJSIP/{endpoint},30")
    status, cause = await dial(channel, channel.pbx.endpoints.get(endpoint), endpoint, 30, dial_string=endpoint)
    await hangup(channel, cause)


# ---- inbound -------------------------------------------------------------------------------------
async def from_carrier(channel: Channel, tenant: Tenant) -> None:
    pbx, did = channel.pbx, channel.exten
    timeout = tenant.dids.get(did, 60)
    channel.newexten("NoOp", f"Inbound DID {did} from {channel.caller[0]}", priority=1)
    channel.step("Set", f"__INBOUND_DID={did}")
    channel.step("Set", f"__QTIMEOUT={timeout}")
    channel.variables.update(INBOUND_DID=did, QTIMEOUT=str(timeout))
    hours, days = pbx.globals.get("BUSINESS_HOURS", ""), pbx.globals.get("BUSINESS_DAYS", "")
    channel.step("GotoIfTime", f"{hours},{days},*,*?{tenant.context('ivr')},s,1")
    if open_now(hours, days, pbx.clock.time()):
        await run_context(channel, tenant.context("ivr"), "s")
        return
    channel.step("Goto", f"{tenant.context('closed')},s,1")
    await run_context(channel, tenant.context("closed"), "s")


async def answer(channel: Channel, priority: int = 1) -> None:
    channel.newexten("Answer", "", priority=priority)
    if channel.state != UP:
        channel.set_state(UP)
        if channel.on_answer:           # a Local ;2 that answers answers its ;1 to whoever dialled it
            channel.on_answer()


async def ivr(channel: Channel, tenant: Tenant) -> None:
    await answer(channel)
    await channel.sleep(0.5)
    channel.step("Read", f"IVR_CHOICE,{SOUNDS}/ivr-welcome,1,,1,4")
    choice = await read_digit(channel, timeout=5.0)
    channel.step("NoOp", f"IVR choice '{choice}' READSTATUS={'OK' if choice else 'TIMEOUT'}")
    vip_digit, vip_caller = choice == "2", channel.caller[0].startswith("+1555999")
    channel.step("Set", "QUEUE_PRIO=0")
    channel.step("ExecIf", f"{int(vip_digit)}?Set(QUEUE_PRIO=10)")
    channel.step("ExecIf", f"{int(vip_caller)}?Set(QUEUE_PRIO=10)")
    priority = 10 if vip_digit or vip_caller else 0
    timeout = int(channel.variables.get("QTIMEOUT", "60"))
    queue = channel.pbx.queues.get(tenant.queue("sales"))
    channel.step("Queue", f"{queue.name},t,,,{timeout}")
    status = await QueueCall(channel.pbx, queue, channel, priority, timeout).run()
    channel.variables["QUEUESTATUS"] = status
    channel.step("NoOp", f"QUEUESTATUS={status}")
    await playback(channel, "goodbye", 0.5)
    await hangup(channel)


async def read_digit(channel: Channel, timeout: float) -> str:
    """The caller's scripted DTMF: RFC 4733 digits of 200 ms, the first one 1.3 s into the prompt."""
    if not channel.dtmf:
        await channel.sleep(timeout)
        return ""
    await channel.sleep(1.3)
    digit = channel.dtmf.pop(0)
    channel.emit("DTMFBegin", [("Digit", digit), ("Direction", "Received")], privilege="dtmf")
    await channel.sleep(0.2)
    channel.emit("DTMFEnd", [("Digit", digit), ("DurationMs", "200"), ("Direction", "Received")], privilege="dtmf")
    return digit


async def closed(channel: Channel, tenant: Tenant) -> None:
    await answer(channel)
    await channel.sleep(0.5)
    await playback(channel, "closed", 1.5)
    await hangup(channel)


async def hold(channel: Channel, tenant: Tenant) -> None:
    channel.newexten("MusicOnHold", "default,30", priority=1)
    channel.emit("MusicOnHoldStart", [("Class", "default")])
    try:
        await channel.sleep(30)
    finally:
        channel.emit("MusicOnHoldStop")


async def agents(channel: Channel, tenant: Tenant) -> None:
    """Calls into the agents context just reach the agent's phone, or the general queue (`sales`): a call
    the agent's browser phone transfers (REFER) runs here."""
    if channel.exten == "sales":
        queue = channel.pbx.queues.by_name.get(tenant.queue("sales"))
        channel.newexten("Queue", f"{tenant.queue('sales')},t,,,60", priority=1)
        if queue is not None:
            await QueueCall(channel.pbx, queue, channel, 0, 60).run()
        await hangup(channel)
    endpoint = tenant.endpoint(channel.exten)
    if channel.pbx.endpoints.get(endpoint):
        channel.newexten("Dial", f"PJSIP/{endpoint},30", priority=1)
        await dial(channel, channel.pbx.endpoints.get(endpoint), endpoint, 30, dial_string=endpoint)


async def spy(channel: Channel, tenant: Tenant) -> None:
    """The supervisor's answered leg. A product tenant's dials a Local channel whose ;2 runs ChanSpy
    (`t-<slug>-spy-run`), so the phone sits in a Dial bridge, which a hang-up always ends, whatever ChanSpy
    notices (issue 11 defect 5). The lab tenant runs ChanSpy on the phone's channel, as the traces did."""
    if not tenant.slug:
        await answer(channel)
        return await chan_spy(channel, tenant)
    from .originate import LocalLeg
    target = tenant.context("spy-run")
    dial_string = f"{channel.exten}@{target}/n"
    channel.newexten("Dial", f"Local/{dial_string}", priority=1)
    leg = LocalLeg(channel.pbx, channel.exten, target, channel.caller, linkedid=channel.linkedid)
    leg.announce()
    dest_event(channel, "DialBegin", leg.channel, [("DialString", dial_string)])
    reply = await ring(channel, leg, None)
    if reply != ANSWER:
        await hangup(channel, reply)
    answer_callee(channel, leg.channel)
    await talk(channel, leg.channel, native_bridge=False)
    await hangup(channel)


async def spy_run(channel: Channel, tenant: Tenant) -> None:
    await answer(channel)
    await chan_spy(channel, tenant)


def open_now(hours: str, days: str, now: float) -> bool:
    moment = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
    return in_hours(hours, moment) and in_days(days, moment)


def in_hours(hours: str, moment: datetime.datetime) -> bool:
    if hours in ("", "*"):
        return True
    start, _, end = hours.partition("-")
    current = moment.strftime("%H:%M")
    return start <= current <= (end or start)


WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def in_days(days: str, moment: datetime.datetime) -> bool:
    if days in ("", "*"):
        return True
    first, _, last = days.lower().partition("-")
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    today = moment.weekday()
    return start <= today <= end if start <= end else today >= start or today <= end


FLOWS: dict[str, Flow] = {
    "agents": agents, "outbound-agent-first": outbound_agent_first, "amd-outbound": amd_outbound,
    "from-carrier": from_carrier, "ivr": ivr, "closed": closed, "spy": spy, "spy-run": spy_run,
    "hold": hold, "dial-agent": dial_agent, "predictive": predictive,
}
