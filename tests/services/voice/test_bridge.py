"""The pbx bridge against the simulator: AMI events -> agent states, Redis commands -> AMI, coaching,
and states kept consistent across a PBX restart."""
import asyncio
import os
import uuid
from pathlib import Path

import pytest

from services.identity.system import system_context
from services.models.platform import Role
from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.tenants import demo_tenant
from services.voice.agents import enroll_agent
from services.voice.asterisk_config import write_all
from services.voice.bridge import Bridge
from services.voice.coaching import CHANNEL_ID, CoachingError, coaching_session, start_coaching, stop_coaching
from services.voice.commands import pbx_command
from services.voice.directory import give_extensions
from services.voice.gateway import PbxConfig
from services.voice.licences import grant_licences
from services.voice.presence import AgentState, agent_state
from tests.support.accounts import context_for, new_tenant
from tests.support.pbx import real_pbx
from tests.support.phones import RealPbxSide, SimulatorSide
from tests.support.waiting import GIVE_UP_SECONDS, until

CUSTOMER = "+15557654301"


@pytest.fixture
async def world(tmp_path, monkeypatch):
    """A tenant with two agents and a supervisor, its includes written where the PBX reads them, a bridge
    logged in, and `phones`: the simulator's control side, or SIPp phones on a real Asterisk (tests/support/pbx.py)."""
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    tenant = new_tenant()
    grant_licences(tenant.id, 3)
    admin = context_for(tenant, Role.ADMIN)
    supervisor = context_for(tenant, Role.SUPERVISOR)
    alice = enroll_agent(admin, "Agent", "Alice", "alice", f"alice-{tenant.slug}@example-corp.cm")
    bob = enroll_agent(admin, "Agent", "Bob", "bob", f"bob-{tenant.slug}@example-corp.cm")
    give_extensions(tenant.id)                      # the supervisor's phone: 2900
    target = real_pbx()
    # the bridge runs on the PBX host: it writes the tenant's includes, the PBX reads them
    config_dir = Path(os.environ["BGC_TEST_ASTERISK_CONFIG_DIR"]) if target else tmp_path / "asterisk"
    monkeypatch.setenv("BGC_ASTERISK_CONFIG_DIR", str(config_dir))
    written = write_all(config_dir, tenant.slug)
    if target:
        pbx, phones = None, await RealPbxSide.from_environment(target).start()
        await phones.command("dialplan reload")                  # the tenant's contexts
        config = PbxConfig(target.host, target.port, target.user, target.secret)
    else:
        pbx = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     tenants=[demo_tenant(tenant.slug)], auth_failure_delay=0.05,
                                     config_dir=config_dir)
        phones, config = SimulatorSide(pbx), PbxConfig("127.0.0.1", pbx.port, "amiuser", "amipass")
    bridge = Bridge(config)
    task = asyncio.ensure_future(bridge.run())
    await asyncio.wait_for(bridge.gateway.ready.wait(), GIVE_UP_SECONDS)
    await command("endpoints_changed", tenant_slug=tenant.slug)     # the agents join the sales queue
    yield type("World", (), dict(tenant=tenant, admin=admin, supervisor=supervisor, alice=alice, bob=bob, pbx=pbx,
                                 phones=phones, config=config, bridge=bridge, slug=tenant.slug))
    bridge.stop()
    await task
    await phones.close()
    if target:                                      # the real PBX forgets this tenant at its next reload
        for path in written:
            if path.name == f"{tenant.slug}.conf":
                path.unlink()


def command(kind, **args):
    return asyncio.to_thread(pbx_command, kind, **args)


@pytest.mark.simulator
async def test_states_follow_the_phone_and_survive_a_pbx_restart(world):
    tid, alice = world.tenant.id, world.alice.user_id
    assert agent_state(tid, alice) is AgentState.LOGGED_OUT
    world.pbx.register_phone(f"{world.slug}-2001")
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    await command("originate", channel=f"PJSIP/{world.slug}-2001",
                  context=f"t-{world.slug}-outbound-agent-first", exten=CUSTOMER)
    await until(lambda: agent_state(tid, alice) is AgentState.IN_CALL)
    await world.pbx.restart()                                    # the call vanishes with Asterisk
    await until(lambda: world.bridge.gateway.logins == 2)
    await until(lambda: agent_state(tid, alice) is AgentState.WRAP_UP)


async def test_queue_commands_and_pause_state(world):
    tid, alice = world.tenant.id, world.alice.user_id
    await world.phones.register_phone(f"{world.slug}-2001")
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    await command("queue_add", queue=f"{world.slug}-sales", endpoint=f"{world.slug}-2900", member_name="Sup")
    members = (await command("queue_members"))["members"][f"{world.slug}-sales"]
    assert f"{world.slug}-2900" in [m["endpoint"] for m in members]
    await command("queue_pause", endpoint=f"{world.slug}-2001", paused=True, reason="Déjeuner")
    await until(lambda: agent_state(tid, alice) is AgentState.PAUSED)
    await command("queue_pause", endpoint=f"{world.slug}-2001", paused=False)
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    with pytest.raises(Exception, match="Unable to remove interface"):
        await command("queue_remove", queue=f"{world.slug}-sales", endpoint=f"{world.slug}-2003")
    await command("disable_endpoint", endpoint=f"{world.slug}-2002")
    members = (await command("queue_members"))["members"][f"{world.slug}-sales"]
    assert f"{world.slug}-2002" not in [m["endpoint"] for m in members]


async def test_whisper_starts_a_spy_channel_and_stops_cleanly(world):
    tid, alice, sup = world.tenant.id, world.alice.user_id, world.supervisor
    await world.phones.register_phone(f"{world.slug}-2001")
    await world.phones.register_phone(f"{world.slug}-2900")
    with pytest.raises(CoachingError):
        await asyncio.to_thread(start_coaching, sup, alice, "whisper")      # not in a call yet
    await command("originate", channel=f"PJSIP/{world.slug}-2001",
                  context=f"t-{world.slug}-outbound-agent-first", exten=CUSTOMER)
    await until(lambda: agent_state(tid, alice) is AgentState.IN_CALL)
    spy_started = asyncio.ensure_future(world.phones.wait_for("ChanSpyStart", timeout=GIVE_UP_SECONDS))
    spying = asyncio.ensure_future(world.phones.wait_for("Newexten", timeout=GIVE_UP_SECONDS, Application="ChanSpy"))
    await asyncio.to_thread(start_coaching, sup, alice, "whisper")
    started = dict(await spy_started)
    assert dict(await spying)["AppData"].endswith(",qw")
    session = await until(lambda: (coaching_session(sup) or {}).get("channel") and coaching_session(sup))
    assert session["channel"] == started["SpyerChannel"] and session["mode"] == "whisper"
    hung_up = asyncio.ensure_future(world.phones.wait_for("Hangup", timeout=GIVE_UP_SECONDS,
                                                          Uniqueid=session["channel_id"]))
    await asyncio.to_thread(stop_coaching, sup)
    await hung_up                                                         # the supervisor's leg
    assert coaching_session(sup) is None
    assert agent_state(tid, alice) is AgentState.IN_CALL                 # the call goes on


async def test_stopping_an_answered_coaching_frees_the_supervisors_phone(world):
    """Issue 11 defect 5: with phones that send no RTP, AMI Hangup of the answered coaching leg answered
    « Channel Hungup » but ChanSpy, running on that leg, kept it Up until the agent's call ended. The leg now
    only sits in a Dial bridge with the Local channel that spies, and « Arrêter » ends it at once."""
    await agent_in_call(world)                                   # neither phone sends RTP (SIPp-like)
    agent, phone = f"{world.slug}-2001", f"{world.slug}-2900"
    spying = asyncio.ensure_future(world.phones.wait_for("ChanSpyStart", timeout=GIVE_UP_SECONDS))
    channel_id = (await asyncio.to_thread(start_coaching_session, world))["channel_id"]
    started = await spying
    assert started["SpyerLinkedid"] == channel_id and started["SpyeeChannel"].startswith(f"PJSIP/{agent}-")
    await until(lambda: (coaching_session(world.supervisor) or {}).get("active"))
    hung_up = asyncio.ensure_future(world.phones.wait_for("Hangup", timeout=GIVE_UP_SECONDS, Uniqueid=channel_id))
    await asyncio.to_thread(stop_coaching, world.supervisor)
    ended = await hung_up
    assert ended["Channel"].startswith(f"PJSIP/{phone}-") and ended["Cause"] == "16"
    assert await world.phones.channels_of(phone) == []
    assert coaching_session(world.supervisor) is None
    assert agent_state(world.tenant.id, world.alice.user_id) is AgentState.IN_CALL
    assert await world.phones.channels_of(agent), "the agent's call goes on"
    again = asyncio.ensure_future(world.phones.wait_for("ChanSpyStart", timeout=GIVE_UP_SECONDS))
    await asyncio.to_thread(start_coaching, world.supervisor, world.alice.user_id, "whisper")   # free again
    assert (await again)["SpyerLinkedid"] == coaching_session(world.supervisor)["channel_id"]


def start_coaching_session(world, mode: str = "listen") -> dict:
    start_coaching(world.supervisor, world.alice.user_id, mode)
    return coaching_session(world.supervisor)


async def unanswered_channel(world, phone: str) -> dict:
    """The phone's channel once it exists, not answered (CoreShowChannels on a real PBX: polled, as it gives
    no event to subscribe to before the Originate that makes it)."""
    while not (found := [c for c in await world.phones.channels_of(phone) if c["ChannelState"] != "6"]):
        await asyncio.sleep(0.05)
    return found[0]


async def agent_in_call(world, supervisor_phone: str = "answer"):
    await world.phones.register_phone(f"{world.slug}-2001")
    await world.phones.register_phone(f"{world.slug}-2900", supervisor_phone)
    await command("originate", channel=f"PJSIP/{world.slug}-2001",
                  context=f"t-{world.slug}-outbound-agent-first", exten=CUSTOMER)
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.IN_CALL)


async def test_stopping_while_the_supervisors_phone_still_rings_hangs_it_up(world):
    await agent_in_call(world, "manual")                        # the supervisor has not picked up yet
    phone = f"{world.slug}-2900"
    channel_id = (await asyncio.to_thread(start_coaching_session, world))["channel_id"]
    ringing = await asyncio.wait_for(unanswered_channel(world, phone), GIVE_UP_SECONDS)
    assert ringing["Uniqueid"] == channel_id
    hung_up = asyncio.ensure_future(world.phones.wait_for("Hangup", timeout=GIVE_UP_SECONDS, Uniqueid=channel_id))
    await asyncio.to_thread(stop_coaching, world.supervisor)
    assert (await hung_up)["Channel"] == ringing["Channel"]
    assert await world.phones.channels_of(phone) == []
    assert coaching_session(world.supervisor) is None
    assert agent_state(world.tenant.id, world.alice.user_id) is AgentState.IN_CALL


async def test_a_coaching_channel_created_after_its_stop_is_hung_up_at_once(world):
    """The originate reached the PBX after the supervisor pressed stop: nothing may keep ringing."""
    await agent_in_call(world, "manual")
    phone = f"{world.slug}-2900"
    late = CHANNEL_ID.format(tenant_id=world.tenant.id, user_id=world.supervisor.user_id, nonce="0badcafe")
    hung_up = asyncio.ensure_future(world.phones.wait_for("Hangup", timeout=GIVE_UP_SECONDS, Uniqueid=late))
    await command("originate", channel=f"PJSIP/{phone}", context=f"t-{world.slug}-spy",
                  exten="*2222001", channel_id=late)
    await hung_up
    assert await world.phones.channels_of(phone) == []


async def test_a_declined_coaching_call_ends_the_session(world):
    await agent_in_call(world, "reject")
    await asyncio.to_thread(start_coaching, world.supervisor, world.alice.user_id, "barge")
    await until(lambda: coaching_session(world.supervisor) is None)
    await asyncio.to_thread(start_coaching, world.supervisor, world.alice.user_id, "listen")   # free again


async def test_reassignment_moves_queue_membership_and_tells_the_agent(world):
    from services.campaigns.assignment import campaign_agents
    from services.campaigns.lifecycle import create_campaign, launch_campaign
    from services.infra.redis import get_redis
    from services.live import user_topic
    from services.live.events import STREAM, LiveEvent
    from services.voice.assignment import FREE, assignment_board, campaign_queue, free_agent, reassign_agent
    from tests.support.campaigns import fund, launchable_config, ready_list

    sup, alice = world.supervisor, world.alice.user_id
    fund(world.tenant.id)
    config = launchable_config(await asyncio.to_thread(ready_list, sup), alice, "Relance")
    first = create_campaign(sup, config)
    second = create_campaign(sup, {**config, "name": "Fidélisation", "agents": [world.bob.user_id]})
    for campaign in (first, second):
        launch_campaign(sup, campaign.id)
    board = {c.key: [a.name for a in c.agents] for c in assignment_board(sup)}
    assert board[f"campaign-{first.id}"] == ["Alice Agent"] and board[f"campaign-{second.id}"] == ["Bob Agent"]
    assert board[FREE] == []

    await asyncio.to_thread(reassign_agent, sup, alice, first.id)     # joins the first campaign's queue
    await asyncio.to_thread(reassign_agent, sup, alice, second.id)

    members = (await command("queue_members"))["members"]
    assert f"{world.slug}-2001" in [m["endpoint"] for m in members[campaign_queue(world.slug, second.id)]]
    assert members.get(campaign_queue(world.slug, first.id), []) == []
    assert alice in [a.user_id for a in campaign_agents(sup, second.id)]
    notices = [LiveEvent.from_fields(f) for _, f in get_redis().xrevrange(STREAM, count=200)]
    assert any(user_topic(world.tenant.id, alice) in e.topics and e.kind == "notice"
               and e.data["message"] == "Vous êtes affecté à la campagne « Fidélisation »." for e in notices)

    await asyncio.to_thread(free_agent, sup, alice)                   # dropped on "Agents libres"
    members = (await command("queue_members"))["members"]
    assert f"{world.slug}-2001" not in [m["endpoint"] for m in members.get(campaign_queue(world.slug, second.id), [])]
    board = {c.key: [a.name for a in c.agents] for c in assignment_board(sup)}
    assert board[FREE] == ["Alice Agent"] and board[f"campaign-{second.id}"] == ["Bob Agent"]
    notices = [LiveEvent.from_fields(f) for _, f in get_redis().xrevrange(STREAM, count=200)]
    assert any(user_topic(world.tenant.id, alice) in e.topics and e.kind == "notice"
               and e.data["message"] == "Vous n'êtes plus affecté à aucune campagne." for e in notices)


async def test_a_restarted_bridge_picks_up_what_happened_while_it_was_down(world, tmp_path):
    tid, alice = world.tenant.id, world.alice.user_id
    await world.phones.register_phone(f"{world.slug}-2001")
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    await world.bridge.shutdown()
    queued = asyncio.ensure_future(command("originate", channel=f"PJSIP/{world.slug}-2001",
                                           context=f"t-{world.slug}-outbound-agent-first", exten=CUSTOMER))
    # nobody executes the command while the bridge is down; a new bridge process takes it over
    second = Bridge(world.config)
    task = asyncio.ensure_future(second.run())
    try:
        await asyncio.wait_for(queued, 15)
        await until(lambda: agent_state(tid, alice) is AgentState.IN_CALL)
    finally:
        second.stop()
        await task


@pytest.mark.simulator
async def test_agent_break_and_ready_after_a_call(world):
    from services.identity.system import system_context
    from services.voice.availability import become_ready, take_break
    from services.voice.presence import agent_states

    tid, alice = world.tenant.id, world.alice.user_id
    me = system_context(tid, alice)             # the agent's own context, as their panel has it
    world.pbx.register_phone(f"{world.slug}-2001")
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    await asyncio.to_thread(take_break, me, "Déjeuner")
    await until(lambda: agent_state(tid, alice) is AgentState.PAUSED)
    assert agent_states(tid)[alice]["reason"] == "Déjeuner"
    member = next(m for m in (await command("queue_members"))["members"][f"{world.slug}-sales"]
                  if m["endpoint"] == f"{world.slug}-2001")
    assert member["paused"]                                   # no queue call reaches them
    await asyncio.to_thread(become_ready, me)
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    await command("originate", channel=f"PJSIP/{world.slug}-2001",
                  context=f"t-{world.slug}-outbound-agent-first", exten=CUSTOMER)
    await until(lambda: agent_state(tid, alice) is AgentState.IN_CALL)
    world.pbx.hangup_phone(f"{world.slug}-2001")
    await until(lambda: agent_state(tid, alice) is AgentState.WRAP_UP)   # post-call work
    await asyncio.to_thread(become_ready, me)
    await until(lambda: agent_state(tid, alice) is AgentState.READY)


async def test_a_ringing_agent_shows_ringing_then_in_call(world):
    """Issue 11 defect 4: with `device_state_busy_at = 1` a ringing phone was BUSY, shown « En appel »."""
    from services.infra.redis import get_redis
    from services.live import user_topic
    from services.live.events import STREAM, LiveEvent

    tid, alice, phone = world.tenant.id, world.alice.user_id, f"{world.slug}-2001"
    await world.phones.register_phone(phone, "answer", ring_seconds=3)
    await until(lambda: agent_state(tid, alice) is AgentState.READY)
    since = get_redis().xinfo_stream(STREAM)["last-generated-id"]
    await command("originate", channel=f"PJSIP/{phone}", context=f"t-{world.slug}-outbound-agent-first",
                  exten=CUSTOMER)
    await until(lambda: agent_state(tid, alice) is AgentState.IN_CALL)
    told = [LiveEvent.from_fields(f) for _, f in get_redis().xrange(STREAM, min=f"({since}")]
    states = [e.data["state"] for e in told if user_topic(tid, alice) in e.topics and e.kind == "agent_state"]
    assert states == ["RINGING", "IN_CALL"]


async def channels_left(world, phone: str) -> None:
    while await world.phones.channels_of(phone):
        await asyncio.sleep(0.05)


async def test_the_panel_hangs_up_a_desk_phones_call(world):
    from services.voice.call_control import hang_up
    await agent_in_call(world)
    assert await world.phones.channels_of(f"{world.slug}-2001")
    await asyncio.to_thread(hang_up, system_context(world.tenant.id, world.alice.user_id))
    await asyncio.wait_for(channels_left(world, f"{world.slug}-2001"), 20)
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is not AgentState.IN_CALL)


async def test_the_panel_transfers_a_desk_phones_call_to_a_colleague(world):
    from services.voice.call_control import transfer
    alice = system_context(world.tenant.id, world.alice.user_id)
    with pytest.raises(LookupError):                           # only the tenant's own targets
        await asyncio.to_thread(transfer, alice, "9999")
    customer_bridged = asyncio.ensure_future(world.phones.wait_for("BridgeEnter", timeout=GIVE_UP_SECONDS,
                                                                   CallerIDNum=CUSTOMER))
    await agent_in_call(world)
    await customer_bridged            # Alice's phone answers first: the customer's call must be up to hand on
    await world.phones.register_phone(f"{world.slug}-2002", "manual")    # Bob's phone rings until answered
    await asyncio.to_thread(transfer, alice, "2002")
    async def bob_rings():
        while not await world.phones.channels_of(f"{world.slug}-2002"):
            await asyncio.sleep(0.05)
    await asyncio.wait_for(bob_rings(), 20)                    # the customer now calls Bob
    await asyncio.wait_for(channels_left(world, f"{world.slug}-2001"), 20)   # Alice's part is over
