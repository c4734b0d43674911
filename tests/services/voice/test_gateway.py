"""panoramisk (through PbxGateway) against the PBX simulator: every action the voice core uses."""
import asyncio

import pytest

from services.voice.gateway import (
    ChannelHungUp, DeviceChanged, MemberPaused, PbxError, Resynced, SpyStarted, SpyStopped, endpoint_of)

CUSTOMER = "+15557654301"   # answers after 1.5 s and stays until someone hangs up


async def test_login_resync_lists_endpoints_and_queue_members(pbx, gateway):
    first = gateway.seen.events[0]
    assert isinstance(first, Resynced)
    assert first.endpoints["demo-2001"] == "UNAVAILABLE"
    assert first.endpoints["2001"] == "NOT_INUSE"
    assert [m["endpoint"] for m in first.members["demo-sales"]] == ["demo-2001", "demo-2002"]


async def test_wrong_secret_never_gets_ready(pbx):
    from services.voice.gateway import PbxConfig, PbxGateway
    gw = PbxGateway(PbxConfig("127.0.0.1", pbx.port, "amiuser", "wrong"), backoff=(0.05, 0.1))
    with pytest.raises(TimeoutError):
        await gw.start(wait=0.5)
    gw.close()


async def test_originate_agent_first_gives_device_states_and_hangup(pbx, gateway):
    assert pbx.register_phone("demo-2001")
    await gateway.seen.wait(lambda e: e == DeviceChanged("demo-2001", "NOT_INUSE"))
    await gateway.originate("PJSIP/demo-2001", "t-demo-outbound-agent-first", CUSTOMER,
                            caller_id=f'"Client" <{CUSTOMER}>', variables={"AGENT_ID": "2001"})
    await gateway.seen.wait(lambda e: e == DeviceChanged("demo-2001", "RINGING"))
    await gateway.seen.wait(lambda e: e == DeviceChanged("demo-2001", "INUSE"))
    agent_channel = pbx.pbx.channels_of("demo-2001")[0].name
    await gateway.hangup(agent_channel)
    hung = await gateway.seen.wait(lambda e: isinstance(e, ChannelHungUp) and e.channel == agent_channel)
    assert hung.cause == "16"
    await gateway.seen.wait(lambda e: e == DeviceChanged("demo-2001", "NOT_INUSE"))


async def test_queue_add_pause_remove(pbx, gateway):
    await gateway.queue_add("demo-sales", "demo-2900", "Superviseur")
    assert "demo-2900" in [m["endpoint"] for m in await gateway.queue_members("demo-sales")]
    with pytest.raises(PbxError, match="Already there"):
        await gateway.queue_add("demo-sales", "demo-2900")
    await gateway.queue_pause("demo-2900", True, "Déjeuner", queue="demo-sales")
    paused = await gateway.seen.wait(lambda e: isinstance(e, MemberPaused) and e.endpoint == "demo-2900")
    assert paused.paused and paused.reason == "Déjeuner"
    member = next(m for m in await gateway.queue_members("demo-sales") if m["endpoint"] == "demo-2900")
    assert member["paused"]
    await gateway.queue_pause("demo-2900", False, queue="demo-sales")
    await gateway.seen.wait(lambda e: isinstance(e, MemberPaused) and e.endpoint == "demo-2900" and not e.paused)
    await gateway.queue_remove("demo-sales", "demo-2900")
    assert "demo-2900" not in [m["endpoint"] for m in await gateway.queue_members("demo-sales")]
    with pytest.raises(PbxError, match="Unable to remove interface"):
        await gateway.queue_remove("demo-sales", "demo-2900")


@pytest.mark.parametrize("prefix,mode", [("*221", "qw"), ("*222", "q"), ("*223", "qB")])
async def test_spy_modes_start_and_stop_cleanly(pbx, gateway, prefix, mode):
    pbx.register_phone("demo-2001")
    pbx.register_phone("demo-2900")
    await gateway.originate("PJSIP/demo-2001", "t-demo-outbound-agent-first", CUSTOMER)
    await gateway.seen.wait(lambda e: e == DeviceChanged("demo-2001", "INUSE"))
    spying = asyncio.ensure_future(pbx.wait_for("Newexten", timeout=10, Application="ChanSpy"))
    await gateway.originate("PJSIP/demo-2900", "t-demo-spy", f"{prefix}2001")
    started = await gateway.seen.wait(lambda e: isinstance(e, SpyStarted))
    supervisor = pbx.pbx.channels_of("demo-2900")[0]          # in a Dial bridge with the Local that spies
    assert started.spyer_channel.startswith(f"Local/{prefix}2001@t-demo-spy-run-") and started.spyer_channel.endswith(";2")
    assert started.spyer_linkedid == supervisor.uniqueid
    assert endpoint_of(started.spyee_channel) == "demo-2001"
    assert dict(await spying)["AppData"] == f"PJSIP/demo-2001,{mode}"     # the mode shows only there
    assert "SPY_MODE" not in pbx.pbx.find(started.spyer_channel).variables
    await gateway.hangup(supervisor.name)
    ended = await gateway.seen.wait(lambda e: isinstance(e, ChannelHungUp) and e.channel == supervisor.name)
    assert ended.cause == "16"                                            # a bridged channel (trace 12)
    stopped = await gateway.seen.wait(lambda e: isinstance(e, SpyStopped))  # this phone sends RTP (traces 11)
    assert stopped.spyer_channel == started.spyer_channel
    assert pbx.pbx.channels_of("demo-2001"), "the agent's call goes on"


async def test_unknown_channel_is_an_error(gateway):
    with pytest.raises(PbxError, match="No such channel"):
        await gateway.hangup("PJSIP/demo-2001-deadbeef")


async def test_reconnects_and_resyncs_after_a_restart_mid_call(pbx, gateway):
    pbx.register_phone("demo-2001")
    await gateway.originate("PJSIP/demo-2001", "t-demo-outbound-agent-first", CUSTOMER)
    await gateway.seen.wait(lambda e: e == DeviceChanged("demo-2001", "INUSE"))
    before = len([e for e in gateway.seen.events if isinstance(e, Resynced)])
    await pbx.restart()
    resynced = await gateway.seen.wait(
        lambda e: isinstance(e, Resynced) and len([x for x in gateway.seen.events[:gateway.seen.events.index(e) + 1]
                                                   if isinstance(x, Resynced)]) > before)
    assert gateway.logins == 2
    assert resynced.endpoints["demo-2001"] == "NOT_INUSE"    # the call vanished with the restart
    assert resynced.channels == []
    await gateway.queue_add("demo-sales", "demo-2900")      # actions work again on the new connection
    assert "demo-2900" in [m["endpoint"] for m in await gateway.queue_members("demo-sales")]


async def test_a_login_during_the_boot_waits_for_fully_booted_then_resyncs(pbx, gateway):
    """Issue 11 defect 3: logged in while Asterisk still boots, actions are refused; the gateway must
    not give up: it resyncs once FullyBooted comes."""
    await pbx.restart(boot_seconds=None)                     # Asterisk boots until we say so
    await wait_until_async(lambda: gateway.logins == 2)
    assert not gateway.ready.is_set()
    pbx.finish_boot()
    await asyncio.wait_for(gateway.ready.wait(), 5)
    resynced = [e for e in gateway.seen.events if isinstance(e, Resynced)]
    assert len(resynced) == 2 and "demo-2001" in resynced[-1].endpoints


async def test_a_refused_list_action_is_an_error_not_a_time_out(pbx, gateway):
    await pbx.restart(boot_seconds=None)
    await wait_until_async(lambda: gateway.logins == 2)
    started = asyncio.get_running_loop().time()
    with pytest.raises(PbxError, match="Invalid/unknown command: PJSIPShowEndpoints"):
        await gateway.listing("PJSIPShowEndpoints", "EndpointList")
    with pytest.raises(PbxError, match="Permission denied"):
        await gateway.action("Originate", as_list=False, Channel="PJSIP/demo-2001", Application="Wait")
    assert asyncio.get_running_loop().time() - started < gateway.timeout


async def wait_until_async(condition, timeout: float = 5.0):
    async def poll():
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)
