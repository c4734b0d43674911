"""Inbound calls end to end against the PBX simulator, through the real bridge: the IVR the supervisor
designed is written into the tenant's include and reloaded, a customer calls the DID and presses keys,
the queue rings the agent, the interaction is recorded and the screen pop published before the answer;
closed hours and invalid keys follow the designed branches; another tenant sees nothing."""
import asyncio
import functools
import uuid

import pytest
from sqlalchemy import select

from services.audience.file_import import import_file
from services.campaigns.config import default_config
from services.campaigns.forms import clean_form
from services.campaigns.lifecycle import create_campaign
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.infra.redis import get_redis
from services.live import supervision_topic, user_topic
from services.live.events import STREAM, LiveEvent
from services.models.interactions import Interaction
from services.models.platform import Role
from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.events import field
from services.sandbox.pbx.tenants import Tenant as PbxTenant
from services.voice.agents import enroll_agent
from services.voice.asterisk_config import write_all
from services.voice.bridge import Bridge
from services.voice.gateway import PbxConfig
from services.voice.inbound import waiting_calls
from services.voice.ivr import list_menus, save_menu
from services.voice.licences import grant_licences
from services.voice.phone_numbers import list_numbers, save_number
from services.voice.presence import AgentState, agent_state
from services.voice.qualification import qualify
from tests.support.accounts import context_for, new_tenant
from tests.support.waiting import until as wait

DID, CUSTOMER, STRANGER = "+237699000001", "+237699112233", "+237699445566"
SOUNDS = "/var/lib/asterisk/sounds/custom"


until = functools.partial(wait, blocking=True)      # its conditions read the database


def live(topic: str, kind: str) -> list[dict]:
    events = [LiveEvent.from_fields(f) for _, f in get_redis().xrevrange(STREAM, count=3000)]
    return [e.data for e in reversed(events) if topic in e.topics and e.kind == kind]


@pytest.fixture
async def world(tmp_path, monkeypatch):
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    monkeypatch.setenv("BGC_ASTERISK_CONFIG_DIR", str(tmp_path / "etc"))   # the bridge rewrites the includes
    monkeypatch.setenv("BGC_MONITOR_DIR", str(tmp_path / "rec"))          # where the PBX records
    tenant = new_tenant()
    grant_licences(tenant.id, 2)
    admin, supervisor = context_for(tenant, Role.ADMIN), context_for(tenant, Role.SUPERVISOR)
    alice = enroll_agent(admin, "Agent", "Alice", "alice", f"alice-{tenant.slug}@example-corp.cm")
    list_id = import_file(supervisor, f"Clients {uuid.uuid4().hex[:6]}",
                          f"Nom;Prénom;Téléphone;Email\nClient;Paul;{CUSTOMER};paul@example.cm\n".encode())
    config = default_config("Service client")
    config["form"] = clean_form([{"label": "Motif", "type": "text", "required": True}])
    config["lists"] = [list_id]
    campaign = create_campaign(supervisor, config)
    assert save_number(admin, None, DID, "Service client", [], campaign.id) == {}
    write_all(tmp_path / "etc", tenant.slug)
    pbx = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                 tenants=[PbxTenant(slug=tenant.slug)], auth_failure_delay=0.05,
                                 config_dir=tmp_path / "etc")
    bridge = Bridge(PbxConfig("127.0.0.1", pbx.port, "amiuser", "amipass"))
    task = asyncio.ensure_future(bridge.run())
    await asyncio.wait_for(bridge.gateway.ready.wait(), 10)
    endpoint = f"{tenant.slug}-2001"
    pbx.register_phone(endpoint)
    await until(lambda: agent_state(tenant.id, alice.user_id) is AgentState.READY)
    await until(lambda: any(m.interface == f"PJSIP/{endpoint}"
                            for m in pbx.pbx.queues.by_name[f"{tenant.slug}-sales"].members))
    yield type("World", (), dict(tenant=tenant, admin=admin, supervisor=supervisor, alice=alice, pbx=pbx,
                                 campaign=campaign, endpoint=endpoint, agent=system_context(tenant.id, alice.user_id)))
    bridge.stop()
    await task
    await pbx.close()


async def design(world, **changes) -> str:
    """The supervisor's menu on the DID; returns its context once the PBX has reloaded it."""
    [number] = list_numbers(world.admin)
    fields = dict(name="Accueil", greeting_audio="accueil", options=[
        {"digit": "1", "action": "hangup"}, {"digit": "2", "action": "queue", "target": "sales"}],
        fallback={"action": "hangup"}, number_ids=[number.id], timeout_seconds=4, max_tries=2)
    fields.update(changes)
    assert save_menu(world.supervisor, None, **fields) == {}
    [menu] = list_menus(world.supervisor)
    context = f"t-{world.tenant.slug}-ivr-{menu.id}"
    await until(lambda: context in world.pbx.pbx.dialplan
                and "Goto" in world.pbx.pbx.dialplan["from-carrier"][DID][-1].app
                and context in world.pbx.pbx.dialplan["from-carrier"][DID][-1].data)
    return context


def inbound_rows(ctx) -> list[Interaction]:
    with tenant_session(ctx) as session:
        return list(session.execute(select(Interaction).where(Interaction.direction == "IN")).scalars())


async def test_a_customer_presses_2_reaches_the_queue_and_pops_on_the_agents_panel(world):
    await design(world)
    world.pbx.inbound_call(DID, CUSTOMER, "Paul", digits="2")         # Alice's phone rings 1 s, then answers
    await world.pbx.wait_for("DTMFEnd", Digit="2", timeout=30)
    answered = await until(lambda: next((r for r in inbound_rows(world.supervisor) if r.status == "ANSWERED"), None))
    assert (answered.agent_id, answered.address, answered.sender) == (world.alice.user_id, CUSTOMER, DID)
    assert answered.contact_id and answered.campaign_id == world.campaign.id   # the DID's routed campaign
    assert answered.queued_at <= answered.ringing_at <= answered.answered_at

    calls = live(user_topic(world.tenant.id, world.alice.user_id), "call")
    assert [c["phase"] for c in calls] == ["ringing", "answered"]             # the pop came before the answer
    pop = calls[0]
    assert (pop["contact"]["name"], pop["contact"]["phone"], pop["known"]) == ("Paul Client", CUSTOMER, True)
    assert (pop["campaign"], pop["direction"], pop["interaction_id"]) == ("Service client", "IN", answered.id)
    assert [f["key"] for f in pop["fields"]] == ["Motif"]
    waiting = [e["calls"] for e in live(supervision_topic(world.tenant.id), "queue_waiting")]
    assert [[c["phone"] for c in w] for w in waiting] == [[CUSTOMER], []]   # supervisors saw it wait, then go
    assert waiting[0][0]["queue"] == f"{world.tenant.slug}-sales" and waiting_calls(world.supervisor) == []
    card = await until(lambda: next((s for s in live(user_topic(world.tenant.id, world.alice.user_id), "agent_state")
                                     if s["state"] == "IN_CALL" and "campaign" in s), None))
    assert (card["campaign"], card["caller"]) == ("Service client", CUSTOMER)   # the supervisor's card

    world.pbx.customer_hangup(CUSTOMER)
    ended = await until(lambda: (r := inbound_rows(world.supervisor)[0]).status == "ENDED" and r)
    assert ended.outcome == "answered" and ended.ended_at >= ended.answered_at
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.WRAP_UP)
    done = await asyncio.to_thread(qualify, world.agent, ended.id, "VENTE", {"Motif": "Facture"})
    assert (done.status, done.qualification, done.form_answers) == ("WRAPPED_UP", "VENTE", {"Motif": "Facture"})
    assert pop["answers"] == {}

    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.READY)
    world.pbx.inbound_call(DID, CUSTOMER, "Paul", digits="2")         # Paul calls again: his form is pre-filled
    again = await until(lambda: next((c for c in live(user_topic(world.tenant.id, world.alice.user_id), "call")
                                      if c["phase"] == "ringing" and c["interaction_id"] != ended.id), None))
    assert again["answers"] == {"Motif": "Facture"} and again["history"][0]["code"] == "VENTE"

    other = context_for(new_tenant(), Role.SUPERVISOR)                 # tenant isolation
    assert inbound_rows(other) == [] and waiting_calls(other) == []


async def test_out_of_hours_the_caller_hears_the_closed_message_and_is_never_queued(world):
    # the virtual clock is a Thursday morning: open on week-ends only
    context = await design(world, hours={"days": [5, 6], "start": "08:00", "end": "18:00"},
                           closed_audio="ferme", closed_action={"action": "voicemail"})
    channel = world.pbx.inbound_call(DID, STRANGER, digits="2")
    await world.pbx.wait_for("Hangup", Channel=channel, timeout=30)
    assert steps(world, channel)[5:] == [
        ("s", "GotoIfTime", "08:00-18:00,sat&sun,*,*,Africa/Douala?open"), ("s", "Goto", "closed,1"),
        ("closed", "Answer", ""), ("closed", "Playback", f"{SOUNDS}/ferme"),
        ("closed", "Set", f"__SATURATED_QUEUE={world.tenant.slug}-sales"),
        ("closed", "Goto", f"t-{world.tenant.slug}-saturated,message,1"),
        ("message", "Answer", ""), ("message", "UserEvent", f"Voicemail,Queue: {world.tenant.slug}-sales"),
        ("message", "Playback", f"{SOUNDS}/leave-message"),
        ("message", "Record", f"/vm-{uniqueid(world, channel)}.wav,3,120,k")]
    assert world.pbx.pbx.channels == {}
    assert world.pbx.pbx.queues.by_name[f"{world.tenant.slug}-sales"].callers == []   # never queued
    message = await until(lambda: next((r for r in inbound_rows(world.supervisor) if r.recording_url), None))
    assert (message.outcome, message.address, message.answered_at, message.recording_seconds) == (
        "voicemail", STRANGER, None, 3)                        # the caller's message, a task of the call


def uniqueid(world, channel: str) -> str:
    return next(field(m, "Uniqueid") for m in world.pbx.bus.history
                if field(m, "Event") == "Newchannel" and field(m, "Channel") == channel)


def steps(world, channel: str) -> list[tuple[str, str, str]]:
    """(extension, application, data) of every dialplan step the caller's channel ran, in order."""
    return [(field(m, "Exten"), field(m, "Application"), field(m, "AppData")) for m in world.pbx.bus.history
            if field(m, "Event") == "Newexten" and field(m, "Channel") == channel]


async def test_an_invalid_key_replays_the_menu_then_the_fallback_runs(world):
    context = await design(world)
    channel = world.pbx.inbound_call(DID, STRANGER, digits="7")       # no option 7, then nothing
    await world.pbx.wait_for("Hangup", Channel=channel, timeout=30)
    menu = [("s", "Set", "TIMEOUT(response)=4"), ("s", "BackGround", f"{SOUNDS}/accueil")]   # as Asterisk names it
    assert steps(world, channel)[7:] == menu + [
        ("i", "Playback", f"{SOUNDS}/ivr-invalid"), ("i", "Goto", "retry,1"),
        ("retry", "Set", "IVR_TRIES=1"), ("retry", "GotoIf", "1?s,menu")] + menu + [
        ("s", "WaitExten", "4"), ("t", "Goto", "retry,1"),
        ("retry", "Set", "IVR_TRIES=2"), ("retry", "GotoIf", "0?s,menu"), ("retry", "Hangup", "16")]
    assert steps(world, channel)[3] == ("s", "NoOp", f"IVR menu {context.rsplit('-', 1)[1]}")
    assert inbound_rows(world.supervisor) == []

    caller = world.pbx.inbound_call(DID, STRANGER, digits="72")       # a wrong key, then the right one
    await world.pbx.wait_for("QueueCallerJoin", Channel=caller, Queue=f"{world.tenant.slug}-sales", timeout=30)
    row = await until(lambda: next(iter(inbound_rows(world.supervisor)), None))
    assert row.address == STRANGER and row.contact_id is None          # an unknown caller: the number alone


# ---- a campaign's queue: VIP callers, skills, saturation -------------------------------------------------
VIP = "+237699778899"


async def inbound_campaign(world, **voice) -> tuple[int, str]:
    """A LIVE « Appels entrants » campaign staffed by Alice (Anglais 2) and Bob (Anglais 5), whose list
    marks one VIP caller; key 1 of the DID's menu leads to its queue. (campaign id, Bob's endpoint)."""
    from services.audience.imports import add_custom_field
    from services.campaigns.lifecycle import launch_campaign
    from services.voice.skills import set_agent_skill
    from tests.support.campaigns import calling_campaign_config, fund

    slug = world.tenant.slug
    bob = enroll_agent(world.admin, "Agent", "Bob", "bob", f"bob-{slug}@example-corp.cm")
    world.bob = system_context(world.tenant.id, bob.user_id)
    await until(lambda: world.pbx.pbx.endpoints.get(f"{slug}-2002"))      # the bridge reloaded the endpoints
    world.pbx.register_phone(f"{slug}-2002")
    await until(lambda: agent_state(world.tenant.id, bob.user_id) is AgentState.READY)
    add_custom_field(world.supervisor, "VIP")
    vips = import_file(world.supervisor, "Grands comptes", (
        f"Nom;Prénom;Téléphone;Email;VIP\nCompte;Grand;{VIP};gc@example.cm;oui\n"
        f"Client;Paul;{CUSTOMER};paul@example.cm;non\n").encode())
    set_agent_skill(world.admin, world.alice.user_id, "Anglais", 2)
    set_agent_skill(world.admin, bob.user_id, "Anglais", 5)
    fund(world.tenant.id)
    config = calling_campaign_config("Ligne anglaise", vips, world.alice.user_id, "INBOUND", "<p>Hello</p>")
    config["channels"]["voice"].update(skill="Anglais", vip_field="VIP", **voice)
    config["agents"] = [world.alice.user_id, bob.user_id]
    campaign = create_campaign(world.supervisor, config)
    launch_campaign(world.supervisor, campaign.id)
    queue = f"{slug}-campaign-{campaign.id}"
    await until(lambda: queue in world.pbx.pbx.queues.by_name and {
        m.interface: m.penalty for m in world.pbx.pbx.queues.by_name[queue].members} == {
        f"PJSIP/{world.endpoint}": 3, f"PJSIP/{slug}-2002": 0})     # skill levels 2 and 5 as penalties
    await design(world, options=[{"digit": "1", "action": "queue", "target": f"campaign-{campaign.id}"}])
    return campaign.id, f"{slug}-2002"


async def both_on_break(world):
    from services.voice.availability import take_break
    for agent in (world.agent, world.bob):
        await asyncio.to_thread(take_break, agent, "Déjeuner")
    await until(lambda: all(agent_state(world.tenant.id, a.user_id) is AgentState.PAUSED
                            for a in (world.agent, world.bob)))


async def test_the_most_skilled_free_agent_takes_the_call_and_a_vip_jumps_the_queue(world):
    from services.voice.availability import become_ready
    campaign_id, bob = await inbound_campaign(world, max_wait_seconds=900)   # nobody leaves the queue here
    queue = f"{world.tenant.slug}-campaign-{campaign_id}"
    world.pbx.set_phone(bob, "manual")
    first = world.pbx.inbound_call(DID, STRANGER, digits="1")          # both free: Bob (Anglais 5) rings
    rung = await world.pbx.wait_for("AgentCalled", Channel=first, timeout=30)
    assert field(rung, "Interface") == f"PJSIP/{bob}"
    world.pbx.customer_hangup(first)
    await world.pbx.wait_for("QueueCallerAbandon", Channel=first, timeout=30)

    await both_on_break(world)
    waiting = world.pbx.inbound_call(DID, STRANGER, digits="1")
    await world.pbx.wait_for("QueueCallerJoin", Channel=waiting, timeout=30)
    vip = world.pbx.inbound_call(DID, VIP, "Grand Compte", digits="1")
    await world.pbx.wait_for("QueueCallerJoin", Channel=vip, Position="2", timeout=30)
    await until(lambda: [c.channel.name for c in world.pbx.pbx.queues.by_name[queue].callers] == [vip, waiting])
    listed = waiting_calls(world.supervisor)
    assert [(c["phone"], c["vip"]) for c in listed] == [(STRANGER, False), (VIP, True)]

    rung = asyncio.ensure_future(world.pbx.wait_for("AgentCalled", Channel=vip, timeout=60))
    await asyncio.to_thread(become_ready, world.bob)                   # the VIP is served first
    rung = await rung
    assert field(rung, "Interface") == f"PJSIP/{bob}"
    pop = await until(lambda: next((c for c in live(user_topic(world.tenant.id, world.bob.user_id), "call")
                                    if c["phase"] == "ringing" and c["contact"]["phone"] == VIP), None))
    assert (pop["contact"]["name"], pop["campaign"], pop["known"]) == ("Grand Compte", "Ligne anglaise", True)
    for channel in (vip, waiting):
        world.pbx.customer_hangup(channel)


async def test_a_saturated_queue_takes_a_message_then_a_callback_dialled_when_an_agent_frees_up(world):
    from services.voice.availability import become_ready
    campaign_id, bob = await inbound_campaign(world, max_wait_seconds=10)
    queue = f"{world.tenant.slug}-campaign-{campaign_id}"
    for endpoint in (world.endpoint, bob):                             # nobody logged in: no queue at all
        world.pbx.unregister_phone(endpoint)
    await until(lambda: world.pbx.pbx.queues.by_name[queue].logged_in() == 0)
    alone = world.pbx.inbound_call(DID, STRANGER, digits="1")
    await world.pbx.wait_for("Hangup", Channel=alone, timeout=60)
    assert ("1", "GotoIf", f"1?t-{world.tenant.slug}-saturated,s,1") in steps(world, alone)
    assert not [m for m in world.pbx.bus.history if field(m, "Event") == "QueueCallerJoin"
                and field(m, "Channel") == alone]
    message = await until(lambda: next((r for r in inbound_rows(world.supervisor) if r.recording_url), None))
    assert (message.outcome, message.campaign_id, message.recording_seconds) == ("voicemail", campaign_id, 3)

    for endpoint in (world.endpoint, bob):
        world.pbx.register_phone(endpoint)
    await until(lambda: world.pbx.pbx.queues.by_name[queue].logged_in() == 2)
    await both_on_break(world)
    caller = world.pbx.inbound_call(DID, CUSTOMER, "Paul", digits="12")   # waits 10 s, then asks for a callback
    await world.pbx.wait_for("Hangup", Channel=caller, timeout=60)
    asked = await until(lambda: next((r for r in inbound_rows(world.supervisor) if r.outcome == "callback"), None))
    assert asked.contact_id and asked.answered_at is None

    def callback():
        with tenant_session(world.supervisor) as session:
            return session.execute(select(Interaction).where(Interaction.slot == "callback")).scalars().first()
    due = await until(callback)
    told = await until(lambda: live(supervision_topic(world.tenant.id), "callback"))
    assert [(e["interaction_id"], e["phone"]) for e in told] == [(asked.id, CUSTOMER)]   # « Messages vocaux », live
    assert (due.status, due.address, due.campaign_id, due.next_try_at) == (
        "QUEUED", CUSTOMER, campaign_id, asked.queued_at)               # it keeps the caller's turn
    await asyncio.to_thread(become_ready, world.agent)                  # Alice frees up: Paul is called back
    dialled = await until(lambda: (row := callback()).status != "QUEUED" and row)
    assert dialled.agent_id == world.alice.user_id
    answered = await until(lambda: (row := callback()).answered_at and row)
    assert answered.agent_id == world.alice.user_id
    assert [field(m, "DialString") for m in world.pbx.bus.history if field(m, "Event") == "DialBegin"
            and field(m, "DialString") == f"{CUSTOMER}@carrier"]                # Alice first, then Paul


async def test_an_agent_on_a_break_joins_a_new_campaigns_queue_paused(world):
    from services.voice.availability import take_break
    await asyncio.to_thread(take_break, world.agent, "Déjeuner")
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.PAUSED)
    campaign_id, bob = await inbound_campaign(world)
    members = {m.interface: (m.paused, m.paused_reason)
               for m in world.pbx.pbx.queues.by_name[f"{world.tenant.slug}-campaign-{campaign_id}"].members}
    assert members == {f"PJSIP/{world.endpoint}": (True, "Déjeuner"), f"PJSIP/{bob}": (False, "")}
