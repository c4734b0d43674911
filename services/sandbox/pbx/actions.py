"""AMI actions: each handler gets the session and the action, and answers with the trace's exact texts."""
from __future__ import annotations

from typing import TYPE_CHECKING, Awaitable, Callable

from .channels import UP
from .originate import Originate
from .pjsip_files import DIALPLAN_RELOAD, QUEUE_RELOAD_COMMANDS, RELOAD_COMMANDS
from .queues import QueueError
from .wire import Action, Fields

if TYPE_CHECKING:
    from .server import Session


class AmiError(Exception):
    """An action failed: `Response: Error` with this message."""


Handler = Callable[["Session", Action], Awaitable[Fields | None]]
HANDLERS: dict[str, Handler] = {}


def action(name: str):
    def register(handler: Handler) -> Handler:
        HANDLERS[name.lower()] = handler
        return handler
    return register


def success(message: str | None = None, *extra: tuple[str, str]) -> Fields:
    return ([("Message", message)] if message else []) + list(extra)


def required(act: Action, key: str, error: str) -> str:
    value = act.get(key)
    if not value:
        raise AmiError(error)
    return value


@action("Ping")
async def ping(session: "Session", act: Action) -> Fields:
    return [("Ping", "Pong"), ("Timestamp", f"{session.pbx.clock.time():.6f}")]


@action("Logoff")
async def logoff(session: "Session", act: Action) -> None:
    session.respond(act, [("Message", "Thanks for all the fish.")], response="Goodbye")
    session.close()


@action("CoreSettings")
async def core_settings(session: "Session", act: Action) -> Fields:
    return [("AMIversion", "11.0.0"), ("AsteriskVersion", "22.10.1"), ("SystemName", ""), ("CoreMaxCalls", "0"),
            ("CoreMaxLoadAvg", "0.000000"), ("CoreRunUser", ""), ("CoreRunGroup", ""),
            ("CoreMaxFilehandles", "0"), ("CoreRealTimeEnabled", "No"), ("CoreCDRenabled", "Yes"),
            ("CoreHTTPenabled", "No"), ("SoundsSearchCustomDir", "No")]


@action("Command")
async def command(session: "Session", act: Action) -> Fields:
    command = act.get("Command") or ""
    if command in RELOAD_COMMANDS:
        session.pbx.reload_pjsip()
    if command in QUEUE_RELOAD_COMMANDS:
        session.pbx.reload_queues()
    if command == DIALPLAN_RELOAD:
        session.pbx.reload_dialplan()
        return [("Message", "Command output follows"), ("Output", "Dialplan reloaded.")]
    if command == "dialplan show from-carrier":
        return [("Message", "Command output follows"),
                *(("Output", line) for line in carrier_dialplan(session.pbx))]
    if command.startswith("dialplan show ") and (context := command.split(" ", 2)[2]) in session.pbx.dialplan:
        return [("Message", "Command output follows"),
                *(("Output", line) for line in context_dialplan(session.pbx, context))]
    output = "Asterisk 22.10.1 (B-GOTOCALL PBX simulator)" if command == "core show version" else ""
    return [("Message", "Command output follows"), ("Output", output)]


def carrier_dialplan(pbx) -> list[str]:
    """`dialplan show from-carrier` as Asterisk prints it, for the DIDs read from the includes."""
    lines = ["[ Context 'from-carrier' created by 'pbx_config' ]"]
    for did, (_, app) in sorted(pbx.dialplan_dids.items()):
        lines.append(f"  '{did}' =>          1. {app}")
    lines.append(f"-= {len(pbx.dialplan_dids)} extensions (1 priority) in 1 context. =-")
    return lines


def context_dialplan(pbx, context: str) -> list[str]:
    """`dialplan show <context>` for a context of the includes (an IVR menu), as Asterisk prints it."""
    lines = [f"[ Context '{context}' created by 'pbx_config' ]"]
    extensions = pbx.dialplan[context]
    for exten, steps in extensions.items():
        for priority, step in enumerate(steps, 1):
            head = f"  '{exten}' =>" if priority == 1 else ""
            label = f"({step.label})" if step.label else ""
            lines.append(f"{head:<20}{priority}.{label} {step.app}({step.data})")
    count = sum(len(steps) for steps in extensions.values())
    lines.append(f"-= {len(extensions)} extensions ({count} priorities) in 1 context. =-")
    return lines


# ---- channels ------------------------------------------------------------------------------------
@action("Originate")
async def originate(session: "Session", act: Action) -> Fields | None:
    required(act, "Channel", "Channel not specified")
    context = act.get("Context")
    if context and act.get("Exten") and act.get("Priority") and session.pbx.tenant_of_context(context) is None:
        raise AmiError("Extension does not exist.")        # main/manager.c checks before dialling
    job = Originate(session.pbx, act)
    if act.is_true("Async"):
        session.respond(act, success("Originate successfully queued"))
        session.pbx.spawn(job.run())
        return None
    answered, _ = await job.run()
    if not answered:
        raise AmiError("Originate failed")
    return success("Originate successfully queued")


def channel_of(session: "Session", act: Action, missing: str, unknown: str):
    name = required(act, "Channel", missing)
    channel = session.pbx.find(name)
    if channel is None:
        raise AmiError(unknown.format(name=name))
    return channel


@action("Hangup")
async def hangup(session: "Session", act: Action) -> Fields:
    channel = channel_of(session, act, "No channel specified", "No such channel")
    # without a Cause, a coaching channel (in ChanSpy, or still ringing) ends with Cause 0 (trace 17)
    unset = channel.state != UP or channel.application == "ChanSpy"
    channel.soft_hangup(int(act.get("Cause") or (0 if unset else 16)))
    return success("Channel Hungup")


@action("Redirect")
async def redirect(session: "Session", act: Action) -> Fields:
    channel = channel_of(session, act, "Channel not specified", "Channel does not exist: {name}")
    context, exten = required(act, "Context", "Context not specified"), act.get("Exten") or "s"
    if session.pbx.tenant_of_context(context) is None:
        raise AmiError("Redirect failed")
    channel.redirect(context, exten)
    return success("Redirect successful")


@action("BlindTransfer")
async def blind_transfer(session: "Session", act: Action) -> Fields:
    """main/manager.c action_blind_transfer: the party bridged to Channel goes to Context,Exten."""
    required(act, "Channel", "No channel specified")
    exten = required(act, "Exten", "No extension specified")
    channel = channel_of(session, act, "No channel specified", "Channel specified does not exist")
    if not channel.blind_transfer(act.get("Context") or channel.context, exten):
        raise AmiError("Transfer invalid")
    return success("Transfer succeeded")


@action("Getvar")
async def getvar(session: "Session", act: Action) -> Fields:
    name = required(act, "Variable", "No variable specified")
    if act.get("Channel"):
        channel = channel_of(session, act, "No channel specified", "No such channel")
        value = channel_function(channel, name)
        value = channel.variables.get(name, session.pbx.globals.get(name, "")) if value is None else value
    else:
        value = session.pbx.globals.get(name, "")
    return [("Variable", name), ("Value", value)]


def channel_function(channel, name: str) -> str | None:
    functions = {"CALLERID(num)": channel.caller[0], "CALLERID(name)": channel.caller[1],
                 "CHANNEL(linkedid)": channel.linkedid, "UNIQUEID": channel.uniqueid}
    return functions.get(name)


@action("Setvar")
async def setvar(session: "Session", act: Action) -> Fields:
    name = required(act, "Variable", "No variable specified")
    if act.get("Channel"):
        channel_of(session, act, "No channel specified", "No such channel").variables[name] = act.get("Value")
    else:
        session.pbx.globals[name] = act.get("Value")
    return success("Variable Set")


# ---- recording ------------------------------------------------------------------------------------
@action("MixMonitor")
async def mix_monitor(session: "Session", act: Action) -> Fields:
    channel = channel_of(session, act, "No channel specified", "No such channel")
    session.respond(act, [])
    session.pbx.recorder.start(channel, act.get("File") or f"{channel.uniqueid}.wav")
    return None


@action("StopMixMonitor")
async def stop_mix_monitor(session: "Session", act: Action) -> Fields:
    channel = channel_of(session, act, "No channel specified", "No such channel")
    session.respond(act, [])
    session.pbx.recorder.stop(channel)
    return None


# ---- queues ----------------------------------------------------------------------------------------
@action("QueueAdd")
async def queue_add(session: "Session", act: Action) -> Fields:
    queue, interface = act.get("Queue"), required(act, "Interface", "'Interface' not specified.")
    try:
        session.pbx.queues.add(queue, interface, act.get("MemberName"), int(act.get("Penalty") or 0),
                               act.is_true("Paused"), act.get("Reason"))
    except QueueError as error:
        raise AmiError(("Unable to add interface to queue: " if "queue" in str(error) else
                        "Unable to add interface: ") + str(error))
    return success("Added interface to queue")


@action("QueueRemove")
async def queue_remove(session: "Session", act: Action) -> Fields:
    try:
        session.pbx.queues.remove(act.get("Queue"), required(act, "Interface", "'Interface' not specified."))
    except QueueError as error:     # app_queue's own wording for each case (traces 10 and 17)
        raise AmiError({"Not there": "Unable to remove interface: Not there",
                        "No such queue": "Unable to remove interface from queue: No such queue"}
                       .get(str(error), str(error)))
    return success("Removed interface from queue")


@action("QueuePause")
async def queue_pause(session: "Session", act: Action) -> Fields:
    paused = act.is_true("Paused")
    interface = required(act, "Interface", "Need 'Interface' and 'Paused' parameters.")
    try:
        touched = session.pbx.queues.pause(act.get("Queue") or None, interface, paused, act.get("Reason"))
    except QueueError:
        touched = 0
    if not touched:
        raise AmiError("Interface not found")
    return success(f"Interface {'paused' if paused else 'unpaused'} successfully")


@action("QueuePenalty")
async def queue_penalty(session: "Session", act: Action) -> Fields:
    interface = required(act, "Interface", "'Interface' not specified.")
    try:
        touched = session.pbx.queues.set_penalty(act.get("Queue") or None, interface, int(act.get("Penalty") or 0))
    except QueueError:
        touched = 0
    if not touched:
        raise AmiError("Invalid interface, queuename or penalty")
    return success("Interface penalty set successfully")


@action("QueueChangePriorityCaller")
async def queue_change_priority_caller(session: "Session", act: Action) -> Fields:
    queue_name = required(act, "Queue", "'Queue' not specified.")
    caller = required(act, "Caller", "'Caller' not specified.")
    raw = required(act, "Priority", "'Priority' not specified.")
    if not raw.lstrip("-").isdigit():
        raise AmiError("'Priority' need integer.")
    queue = session.pbx.queues.by_name.get(queue_name)
    if queue is None:
        raise AmiError("Unable to change priority caller on queue: No such queue")
    if not queue.change_priority(caller, int(raw), act.is_true("Immediate")):
        raise AmiError("Unable to change priority caller on queue: No such caller")
    return success("Priority change for caller on queue")


@action("QueueStatus")
async def queue_status(session: "Session", act: Action) -> None:
    name = act.get("Queue") or None
    items = [] if name and name not in session.pbx.queues.by_name else \
        session.pbx.queues.status_items(name, act.get("Member") or None)
    session.send_list(act, "Queue status will follow", items, "QueueStatusComplete")


@action("QueueSummary")
async def queue_summary(session: "Session", act: Action) -> None:
    name = act.get("Queue") or None
    items = [] if name and name not in session.pbx.queues.by_name else session.pbx.queues.summary_items(name)
    session.send_list(act, "Queue summary will follow", items, "QueueSummaryComplete")


# ---- endpoints -------------------------------------------------------------------------------------
@action("PJSIPShowEndpoints")
async def show_endpoints(session: "Session", act: Action) -> None:
    pbx = session.pbx
    items = [("EndpointList", e.list_item(pbx.devices.state_of(e.device))) for e in pbx.endpoints.by_name.values()]
    session.send_list(act, "A listing of Endpoints follows, presented as EndpointList events", items,
                      "EndpointListComplete")


@action("PJSIPShowEndpoint")
async def show_endpoint(session: "Session", act: Action) -> None:
    name = required(act, "Endpoint", "Endpoint parameter missing.")
    endpoint = session.pbx.endpoints.get(name)
    if endpoint is None:
        raise AmiError(f"Unable to retrieve endpoint {name}")
    items = endpoint.details(session.pbx.devices.state_of(endpoint.device))
    session.send_list(act, "Following are Events for each object associated with the Endpoint", items,
                      "EndpointDetailComplete")


@action("PJSIPShowContacts")
async def show_contacts(session: "Session", act: Action) -> None:
    items = [("ContactList", [("ObjectType", "contact"), ("ObjectName", e.name), ("Uri", e.contact),
                              ("Aor", e.name), ("Status", "Reachable"), ("RoundtripUsec", "379"),
                              ("EndpointName", e.name)])
             for e in session.pbx.endpoints.by_name.values() if e.contact and not e.is_trunk]
    session.send_list(act, "A listing of Contacts follows, presented as ContactList events", items,
                      "ContactListComplete")



@action("SandboxInboundCall")
async def sandbox_inbound_call(session: "Session", act: Action) -> Fields:
    """The simulator's control side over AMI, for a test beside a running product (no Asterisk has it):
    a customer `CallerID` calls `DID` and presses `Digits` at the IVR."""
    from .control import place_inbound_call
    try:
        channel = place_inbound_call(session.pbx, required(act, "DID", "DID not specified"),
                                     required(act, "CallerID", "CallerID not specified"), "", act.get("Digits") or "")
    except LookupError as error:
        raise AmiError(str(error))
    return success("Call placed", ("Channel", channel))
