"""Traces 01, 10, 11/11b/11c, 12, 13: endpoints, queue members, spying, call control and errors."""
import asyncio
import wave

import pytest
from panoramisk import Manager

from .scenarios import agent_first, events_of
from .traces import assert_matches


async def test_01_endpoints_and_registration(pbx, ami):
    listing = await ami.send_action({"Action": "PJSIPShowEndpoints"})
    names = [item["ObjectName"] for item in listing[1:-1]]
    assert names == ["carrier", "2001", "2002", "2003", "2900"]
    assert listing[-1]["ListItems"] == "5"
    assert {i["ObjectName"]: i["DeviceState"] for i in listing[1:-1]}["2002"] == "Unavailable"
    assert not pbx.register_phone("2002", "wrong")
    assert pbx.register_phone("2002")
    await ami.recorder.wait("QueueMemberStatus", Interface="PJSIP/2002")
    detail = await ami.send_action({"Action": "PJSIPShowEndpoint", "Endpoint": "2002"})
    assert [d["Event"] for d in detail[1:]] == ["EndpointDetail", "AuthDetail", "TransportDetail", "AorDetail",
                                                "ContactStatusDetail", "EndpointDetailComplete"]
    assert_matches("01-login-endpoints-register.txt", events_of(ami.recorder),
                   only=("device:PJSIP", "member:", "global"))


async def test_10_queue_member_management(pbx, ami):
    async def act(**fields):
        # panoramisk treats "Added interface to queue" as the start of a list unless told otherwise
        single = {"as_list": False} if fields["action"] == "QueueAdd" else {}
        return await asyncio.wait_for(ami.send_action({"Action": fields.pop("action"), **fields}, **single), 5)
    status = await act(action="QueueStatus")
    assert [e["Event"] for e in status[1:]] == ["QueueParams", "QueueMember", "QueueMember", "QueueStatusComplete"]
    added = await act(action="QueueAdd", Queue="sales", Interface="PJSIP/2003", MemberName="Carol Agent",
                      Penalty="1", Paused="false", StateInterface="PJSIP/2003")
    assert added.message == "Added interface to queue"
    again = await act(action="QueueAdd", Queue="sales", Interface="PJSIP/2003", MemberName="Carol Agent")
    assert again.message == "Unable to add interface: Already there"
    paused = await act(action="QueuePause", Queue="sales", Interface="PJSIP/2003", Paused="true", Reason="lunch")
    assert paused.message == "Interface paused successfully"
    status = await act(action="QueueStatus", Queue="sales")
    carol = next(e for e in status if e.get("Location") == "PJSIP/2003")
    assert (carol["Paused"], carol["PausedReason"], carol["Name"]) == ("1", "lunch", "Carol Agent")
    assert (await act(action="QueuePause", Queue="sales", Interface="PJSIP/2003", Paused="false")).message == \
        "Interface unpaused successfully"
    await act(action="QueuePause", Interface="PJSIP/2001", Paused="true", Reason="after-call-work")
    await act(action="QueuePause", Interface="PJSIP/2001", Paused="false")
    penalty = await act(action="QueuePenalty", Interface="PJSIP/2003", Penalty="2", Queue="sales")
    assert penalty.message == "Interface penalty set successfully"
    summary = await act(action="QueueSummary", Queue="sales")
    assert (summary[1]["LoggedIn"], summary[1]["Callers"]) == ("3", "0")
    assert (await act(action="QueueRemove", Queue="sales", Interface="PJSIP/2003")).message == \
        "Removed interface from queue"
    assert (await act(action="QueueRemove", Queue="sales", Interface="PJSIP/2003")).message == \
        "Unable to remove interface: Not there"
    assert (await act(action="QueueAdd", Queue="nosuchqueue", Interface="PJSIP/2003")).message == \
        "Unable to add interface to queue: No such queue"
    filtered = await act(action="QueueStatus", Queue="sales", Member="PJSIP/2001")
    assert [e.get("Location") for e in filtered[1:-1]] == [None, "PJSIP/2001"]
    await ami.recorder.wait("QueueMemberRemoved")
    assert_matches("10-queue-member-management.txt", events_of(ami.recorder), only=("member:", "device:Queue"))


@pytest.mark.parametrize("trace, exten, mode", [
    ("11-spy-whisper.txt", "*2212001", "qw"), ("11b-spy-listen.txt", "*2222001", "q"),
    ("11c-spy-barge.txt", "*2232001", "qB"),
])
async def test_11_spy_modes(pbx, ami, trace, exten, mode):
    call = await ami.send_action(agent_first("+15557654301"))
    await ami.recorder.wait("BridgeEnter", Channel=call[1].channel)
    spy = await ami.send_action({"Action": "Originate", "Channel": "PJSIP/2900", "Context": "spy", "Exten": exten,
                                 "Priority": "1", "CallerID": f'"Spy 2001" <{exten}>', "Timeout": "20000",
                                 "Async": "true"})
    start = await ami.recorder.wait("ChanSpyStart")
    assert (start["SpyerChannel"], start["SpyeeChannel"]) == (spy[1].channel, call[1].channel)
    assert any(e.get("AppData") == f"PJSIP/2001,{mode}" for e in ami.recorder.events)
    pbx.hangup(spy[1].channel)
    await ami.recorder.wait("Hangup", Channel=spy[1].channel)
    pbx.customer_hangup("+15557654301")
    await ami.recorder.wait("Hangup", Channel=call[1].channel)
    await ami.recorder.wait("QueueMemberStatus", Status="1")
    assert_matches(trace, events_of(ami.recorder), only=("chan:PJSIP/2900", "chan:PJSIP/carrier"))


async def test_12_call_control(pbx, ami):
    call = await ami.send_action(agent_first("+15557654301"))
    agent = call[1].channel
    await ami.recorder.wait("BridgeEnter", Channel=agent)
    customer = pbx.customer_channel("+15557654301").name

    async def getvar(**fields):
        return await ami.send_action({"Action": "Getvar", **fields})
    assert (await getvar(Channel=agent, Variable="CAMPAIGN")).value == "spring-promo"
    await ami.send_action({"Action": "Setvar", "Channel": agent, "Variable": "DISPOSITION", "Value": "interested"})
    assert (await getvar(Channel=agent, Variable="DISPOSITION")).value == "interested"
    await ami.send_action({"Action": "Setvar", "Variable": "CC_MODE", "Value": "day"})
    assert (await getvar(Variable="CC_MODE")).value == "day"
    unset = await getvar(Channel=agent, Variable="NOT_SET_ANYWHERE")
    assert unset.success and unset.value == ""
    assert (await getvar(Channel="PJSIP/9999-00000099", Variable="X")).message == "No such channel"
    assert (await getvar(Channel=agent, Variable="CALLERID(num)")).value == "+15550001000"
    started = await ami.send_action({"Action": "MixMonitor", "Channel": customer, "File": "/x/ami-mm.wav"})
    assert started.response == "Success" and "message" not in started
    await ami.recorder.wait("MixMonitorStart", Channel=customer)
    await pbx.pbx.clock.sleep(2)
    await ami.send_action({"Action": "StopMixMonitor", "Channel": customer})
    await ami.recorder.wait("MixMonitorStop", Channel=customer)
    with wave.open(str(pbx.pbx.recorder.folder / "ami-mm.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() / 8000 == pytest.approx(2.0, abs=0.05)
    redirect = await ami.send_action({"Action": "Redirect", "Channel": customer, "Context": "hold", "Exten": "s",
                                      "Priority": "1"})
    assert redirect.message == "Redirect successful"
    await ami.recorder.wait("Hangup", Channel=agent)
    await ami.recorder.wait("MusicOnHoldStart", Channel=customer)
    assert (await ami.send_action({"Action": "Hangup", "Channel": customer, "Cause": "16"})).message == \
        "Channel Hungup"
    hangup = await ami.recorder.wait("Hangup", Channel=customer)
    assert hangup["Cause"] == "16"
    assert_matches("12-call-control-getvar-setvar-redirect-hangup.txt", events_of(ami.recorder), only=("chan:",))
    recording = pbx.pbx.recorder.folder / f"out-{call[1].uniqueid}.wav"
    assert recording.exists()


async def raw_session(port: int):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    assert (await reader.readline()) == b"Asterisk Call Manager/11.0.0\r\n"

    async def send(*lines: str) -> str:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        return (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).decode()
    return reader, writer, send


async def test_13_errors_before_and_at_login(pbx):
    reader, writer, send = await raw_session(pbx.port)
    assert await send("Action: Ping", "ActionID: pre") == \
        "Response: Error\r\nActionID: pre\r\nMessage: Permission denied\r\n\r\n"
    assert "Message: Authentication failed" in await send("Action: Login", "Username: amiuser",
                                                          "Secret: wrong", "ActionID: bad")
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()
    reader, writer, send = await raw_session(pbx.port)
    assert "Authentication accepted" in await send("Action: Login", "Username: amiuser", "Secret: amipass")
    pong = ""
    while "Ping: Pong" not in pong:
        pong = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).decode() if pong else \
            await send("Action: Ping")
    assert "ActionID" not in pong and "Timestamp: " in pong
    writer.close()


async def test_13_action_errors(pbx, ami):
    async def error(**fields):
        response = await ami.send_action(fields)
        assert response.response == "Error"
        return response.message
    assert await error(Action="FooBar") == \
        "Invalid/unknown command: FooBar. Use Action: ListCommands to show available commands."
    assert await error(Action="Originate", Exten="100", Context="agents", Priority="1") == "Channel not specified"
    assert await error(Action="Getvar") == "No variable specified"
    assert await error(Action="Hangup") == "No channel specified"
    assert await error(Action="Hangup", Channel="PJSIP/9999-00000001") == "No such channel"
    assert await error(Action="Redirect", Channel="PJSIP/9999-00000001", Context="hold", Exten="s") == \
        "Channel does not exist: PJSIP/9999-00000001"
    assert await error(Action="Setvar", Value="x") == "No variable specified"
    assert await error(Action="Originate", Channel="PJSIP/9999", Context="agents", Exten="100") == "Originate failed"
    for channel in ("PJSIP/9999", "FOO/bar"):
        queued = await ami.send_action({"Action": "Originate", "Channel": channel, "Application": "Wait",
                                        "Data": "1", "Async": "true"})
        assert (queued[0].message, queued[1].response, queued[1].reason, queued[1].uniqueid) == \
            ("Originate successfully queued", "Failure", "0", "<unknown>")
    settings = await ami.send_action({"Action": "CoreSettings"})
    assert (settings.amiversion, settings.asteriskversion) == ("11.0.0", "22.10.1")
    await ami.recorder.wait("RequestBadFormat")


async def test_restart_mid_call_and_reconnect(pbx, ami):
    call = await ami.send_action(agent_first("+15557654301"))
    await ami.recorder.wait("BridgeEnter", Channel=call[1].channel)
    booted = asyncio.get_running_loop().create_future()
    ami.register_event("FullyBooted", lambda m, e: booted.done() or booted.set_result(e))
    await pbx.restart()
    await asyncio.wait_for(booted, 5)
    gone = await ami.send_action({"Action": "Getvar", "Channel": call[1].channel, "Variable": "CAMPAIGN"})
    assert gone.message == "No such channel"
    status = await ami.send_action({"Action": "QueueStatus", "Queue": "sales"})
    alice = next(e for e in status if e.get("Location") == "PJSIP/2001")
    assert (alice["Status"], alice["InCall"]) == ("1", "0")
    again = await ami.send_action(agent_first("+15557654301"))
    assert again[1].reason == "4" and again[1].channel != call[1].channel
    assert (pbx.pbx.recorder.folder / f"out-{call[1].uniqueid}.wav").exists()


async def test_demo_tenant_contexts_and_endpoints(tmp_path):
    from services.sandbox.pbx import PbxControl, VirtualClock, demo_tenant, lab_tenant
    control = await PbxControl.start(recordings=tmp_path, clock=VirtualClock(), tenants=[lab_tenant(), demo_tenant()])
    control.register_phone("demo-2001")
    manager = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=control.port, username="amiuser",
                      secret="amipass", ping_delay=0)
    await manager.connect()
    try:
        await asyncio.wait_for(manager.authenticated_future, 5)
        call = await manager.send_action({**agent_first("+15557654324"), "Channel": "PJSIP/demo-2001",
                                          "Context": "t-demo-outbound-agent-first"})
        assert call[1].channel.startswith("PJSIP/demo-2001-") and call[1].reason == "4"
        result = await control.wait_for("UserEvent", UserEvent="CallResult")
        assert dict(result)["DialStatus"] == "BUSY"
    finally:
        manager.close()
        await control.close()
