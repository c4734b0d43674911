"""What the real Asterisk 22 said when it ran the product's own configuration (trace 17, issue 11)."""
import asyncio

from panoramisk import Manager

from services.sandbox.pbx import PbxControl, VirtualClock, demo_tenant
from tests.support.waiting import until


async def login(port: int, username: str = "amiuser", secret: str = "amipass") -> Manager:
    manager = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=port, username=username,
                      secret=secret, ping_delay=0, reconnect_timeout=0)
    await manager.connect()
    await asyncio.wait_for(manager.authenticated_future, 5)
    return manager


async def ask(manager: Manager, **fields):
    return await asyncio.wait_for(manager.send_action(fields, as_list=False), 5)


async def test_static_members_are_not_dynamic_and_unknown_queues_do_not_exist(pbx, ami):
    removed = await ask(ami, Action="QueueRemove", Queue="sales", Interface="PJSIP/2001")
    assert (removed.response, removed.message) == ("Error", "Member not dynamic")
    added = await ask(ami, Action="QueueAdd", Queue="sales-campaign-7", Interface="PJSIP/2001")
    assert (added.response, added.message) == ("Error", "Unable to add interface to queue: No such queue")
    gone = await ask(ami, Action="QueueRemove", Queue="sales-campaign-7", Interface="PJSIP/2001")
    assert gone.message == "Unable to remove interface from queue: No such queue"


async def test_queues_come_from_the_include_and_a_reload(tmp_path):
    include = tmp_path / "asterisk" / "queues.d" / "demo.conf"
    include.parent.mkdir(parents=True)
    include.write_text("[queue-template](!)\nstrategy = rrmemory\n\n[demo-sales](queue-template)\n")
    control = await PbxControl.start(recordings=tmp_path / "rec", clock=VirtualClock(), tenants=[demo_tenant()],
                                     config_dir=tmp_path / "asterisk")
    manager = await login(control.port)
    try:
        assert control.pbx.queues.by_name["demo-sales"].members == []      # no static member left
        added = await ask(manager, Action="QueueAdd", Queue="demo-sales", Interface="PJSIP/demo-2001")
        assert added.message == "Added interface to queue"
        refused = await ask(manager, Action="QueueAdd", Queue="demo-campaign-3", Interface="PJSIP/demo-2001")
        assert refused.message == "Unable to add interface to queue: No such queue"

        include.write_text("[demo-sales](queue-template)\n\n[demo-campaign-3](queue-template)\n")
        reloaded = await ask(manager, Action="Command", Command="queue reload all")
        assert reloaded.response == "Success"
        added = await ask(manager, Action="QueueAdd", Queue="demo-campaign-3", Interface="PJSIP/demo-2001")
        assert added.message == "Added interface to queue"
        assert [m.interface for m in control.pbx.queues.by_name["demo-sales"].members] == ["PJSIP/demo-2001"]
    finally:
        manager.close()
        await control.close()


async def test_restart_says_shutdown_and_a_booting_pbx_refuses_actions_until_fully_booted(pbx, ami):
    await pbx.restart(boot_seconds=None)
    shutdown = next(e for e in ami.recorder.events if e.get("Event") == "Shutdown")
    assert (shutdown["Shutdown"], shutdown["Restart"]) == ("Cleanly", "True")
    pbx.server.users["observer"] = "observerpass"     # `ami` logs in again at once: one login per user
    manager = await login(pbx.port, "observer", "observerpass")
    seen = []
    manager.register_event("*", lambda _, message: seen.append(message.get("Event")))
    try:
        unknown = await ask(manager, Action="QueueStatus")
        assert unknown.message == "Invalid/unknown command: QueueStatus. Use Action: ListCommands to show " \
                                  "available commands."
        denied = await ask(manager, Action="Originate", Channel="PJSIP/2001", Application="Wait", Data="1")
        assert (denied.response, denied.message) == ("Error", "Permission denied")
        assert "FullyBooted" not in seen
        pbx.finish_boot()
        await until(lambda: "FullyBooted" in seen, timeout=5)
        assert (await ask(manager, Action="Ping")).response == "Success"
        listing = await asyncio.wait_for(manager.send_action({"Action": "QueueStatus"}), 5)
        assert listing[-1]["Event"] == "QueueStatusComplete"
    finally:
        manager.close()


async def test_a_second_login_with_the_same_user_is_refused(pbx, ami):
    limits = asyncio.ensure_future(pbx.wait_for("SessionLimit"))
    second = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=pbx.port, username="amiuser",
                     secret="amipass", ping_delay=0, reconnect_timeout=0)
    refused = []
    second.on_login = lambda m: refused.append("logged in")
    try:
        await second.connect()
        with_reply = await asyncio.wait_for(second.authenticated_future, 5)
        assert with_reply is None or with_reply.message == "Login Already In Use"
    except Exception as error:                  # panoramisk raises on a refused login
        assert "Login Already In Use" in str(error)
    finally:
        second.close()
    limit = dict(await limits)
    assert (limit["Severity"], limit["AccountID"], limit["SessionTV"]) == ("Error", "", "1970-01-01T00:00:00.000+0000")
    assert refused == []


async def test_a_ringing_phone_is_busy_with_device_state_busy_at(tmp_path):
    """Trace 17: `device_state_busy_at = 1` turned the device BUSY as soon as the agent's phone rang."""
    config = tmp_path / "asterisk"
    (config / "pjsip.d").mkdir(parents=True)
    (config / "pjsip.conf").write_text("[agent-endpoint](!)\ntype = endpoint\ndevice_state_busy_at = 1\n")
    (config / "pjsip.d" / "acme.conf").write_text(
        "[acme-2001](agent-endpoint)\ncontext = t-acme-agents\ncallerid = \"Ann\" <2001>\n\n"
        "[acme-2001](agent-auth)\nusername = acme-2001\npassword = s3cret\n")
    control = await PbxControl.start(recordings=tmp_path / "rec", clock=VirtualClock(), tenants=[demo_tenant("acme")],
                                     config_dir=config)
    manager = await login(control.port)
    try:
        assert control.register_phone("acme-2001", "s3cret")
        control.set_phone("acme-2001", "manual")
        busy = asyncio.ensure_future(control.wait_for("DeviceStateChange", Device="PJSIP/acme-2001", State="BUSY"))
        await asyncio.wait_for(manager.send_action({"Action": "Originate", "Channel": "PJSIP/acme-2001",
                                                    "Context": "t-acme-outbound-agent-first", "Exten": "+15557654301",
                                                    "Priority": "1", "Async": "true"}, as_list=False), 5)
        await busy
        assert [c.state for c in control.pbx.channels_of("acme-2001")] == [5]     # still Ringing
    finally:
        manager.close()
        await control.close()


async def test_a_failed_originate_names_the_chosen_channel_id(pbx, ami):
    """Trace 17: OriginateResponse Failure, Reason 0, Uniqueid = the ChannelId the product chose."""
    reply = await asyncio.wait_for(ami.send_action({
        "Action": "Originate", "Channel": "PJSIP/9999", "Context": "spy", "Exten": "*2222001", "Priority": "1",
        "Async": "true", "ChannelId": "bgc-spy-1-9-deadbeef"}), 5)
    failed = reply[1]
    assert (failed.response, failed.reason, failed.uniqueid) == ("Failure", "0", "bgc-spy-1-9-deadbeef")
    assert (failed.channel, failed.calleridnum) == ("PJSIP/9999", "<unknown>")


async def test_an_originated_agent_leg_starts_in_its_endpoints_context(tmp_path):
    """Trace 17: Newchannel in t-<slug>-agents (Exten s), Newexten AppDial2, DialBegin, Newstate Ringing,
    the device and QueueMemberStatus, DialState RINGING, then OriginateResponse once answered."""
    control = await PbxControl.start(recordings=tmp_path / "rec", clock=VirtualClock(), tenants=[demo_tenant()])
    manager = await login(control.port)
    seen: list[dict] = []
    try:
        control.register_phone("demo-2001")
        control.bus.subscribe(lambda message: seen.append(dict(message)))
        reply = await asyncio.wait_for(manager.send_action({
            "Action": "Originate", "Channel": "PJSIP/demo-2001", "Context": "t-demo-outbound-agent-first",
            "Exten": "+15550001291", "Priority": "1", "Async": "true"}), 30)
        mine = [e for e in seen if "demo-2001" in (e.get("Channel") or e.get("DestChannel") or e.get("Device")
                                                    or e.get("Interface") or "")]
        story = [(e["Event"], e.get("Context") or e.get("State") or e.get("Status") or e.get("DialStatus") or "")
                 for e in mine if e["Event"] not in ("NewCallerid", "NewConnectedLine")]
        assert story[:7] == [("Newchannel", "t-demo-agents"), ("Newexten", "t-demo-agents"), ("DialBegin", ""),
                             ("Newstate", "t-demo-agents"), ("DeviceStateChange", "RINGING"),
                             ("QueueMemberStatus", "6"), ("DialState", "RINGING")], story
        newexten = next(e for e in mine if e["Event"] == "Newexten")
        assert (newexten["Application"], newexten["Exten"]) == ("AppDial2", "s")
        answered = reply[1]
        assert (answered.response, answered.reason) == ("Success", "4")
        assert answered.channel.startswith("PJSIP/demo-2001-")          # the full channel name on success
    finally:
        manager.close()
        await control.close()


async def test_the_endpoint_listing_shows_each_endpoints_transport(tmp_path):
    """The real PBX's listing: agents with no transport of their own (the template sets none, so each phone is
    answered on the transport it registered with) list "", the carrier trunk its UDP transport."""
    config = tmp_path / "asterisk"
    (config / "pjsip.d").mkdir(parents=True)
    (config / "pjsip.d" / "acme.conf").write_text(
        "[acme-2001](agent-endpoint)\ncontext = t-acme-agents\ncallerid = \"Ann\" <2001>\n")
    control = await PbxControl.start(recordings=tmp_path / "rec", clock=VirtualClock(), tenants=[demo_tenant("acme")],
                                     config_dir=config)      # the template is asterisk/pjsip.conf's
    manager = await login(control.port)
    try:
        listing = await asyncio.wait_for(manager.send_action({"Action": "PJSIPShowEndpoints"}), 5)
        transports = {item["ObjectName"]: item["Transport"] for item in listing if item.get("Event") == "EndpointList"}
        assert (transports["acme-2001"], transports["carrier"]) == ("", "transport-udp")
    finally:
        manager.close()
        await control.close()
