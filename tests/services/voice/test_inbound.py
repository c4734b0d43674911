"""Inbound calls end to end against the PBX simulator, through the real bridge: the IVR the supervisor
designed is written into the tenant's include and reloaded, a customer calls the DID and presses keys,
the queue rings the agent, the interaction is recorded and the screen pop published before the answer;
closed hours and invalid keys follow the designed branches; another tenant sees nothing."""
import asyncio
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

DID, CUSTOMER, STRANGER = "+237699000001", "+237699112233", "+237699445566"
SOUNDS = "/var/lib/asterisk/sounds/custom"


async def until(condition, timeout: float = 20.0):
    async def poll():
        while not (value := await asyncio.to_thread(condition)):
            await asyncio.sleep(0.02)
        return value
    return await asyncio.wait_for(poll(), timeout)


def live(topic: str, kind: str) -> list[dict]:
    events = [LiveEvent.from_fields(f) for _, f in get_redis().xrevrange(STREAM, count=3000)]
    return [e.data for e in reversed(events) if topic in e.topics and e.kind == kind]


@pytest.fixture
async def world(tmp_path, monkeypatch):
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    monkeypatch.setenv("BGC_ASTERISK_CONFIG_DIR", str(tmp_path / "etc"))   # the bridge rewrites the includes
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
    assert steps(world, channel)[6:] == [
        ("s", "GotoIfTime", "08:00-18:00,sat&sun,*,*,Africa/Douala?open"), ("s", "Goto", "closed,1"),
        ("closed", "Answer", ""), ("closed", "Playback", f"{SOUNDS}/ferme"),
        ("closed", "VoiceMail", f"ivr@t-{world.tenant.slug},u"), ("closed", "Hangup", "")]
    assert world.pbx.pbx.channels == {}
    assert world.pbx.pbx.queues.by_name[f"{world.tenant.slug}-sales"].callers == []
    assert inbound_rows(world.supervisor) == []


def steps(world, channel: str) -> list[tuple[str, str, str]]:
    """(extension, application, data) of every dialplan step the caller's channel ran, in order."""
    return [(field(m, "Exten"), field(m, "Application"), field(m, "AppData")) for m in world.pbx.bus.history
            if field(m, "Event") == "Newexten" and field(m, "Channel") == channel]


async def test_an_invalid_key_replays_the_menu_then_the_fallback_runs(world):
    context = await design(world)
    channel = world.pbx.inbound_call(DID, STRANGER, digits="7")       # no option 7, then nothing
    await world.pbx.wait_for("Hangup", Channel=channel, timeout=30)
    menu = [("s", "Set", "TIMEOUT(response)=4"), ("s", "Background", f"{SOUNDS}/accueil")]
    assert steps(world, channel)[8:] == menu + [
        ("i", "Playback", f"{SOUNDS}/ivr-invalid"), ("i", "Goto", "retry,1"),
        ("retry", "Set", "IVR_TRIES=1"), ("retry", "GotoIf", "1?s,menu")] + menu + [
        ("s", "WaitExten", "4"), ("t", "Goto", "retry,1"),
        ("retry", "Set", "IVR_TRIES=2"), ("retry", "GotoIf", "0?s,menu"), ("retry", "Hangup", "16")]
    assert steps(world, channel)[4] == ("s", "NoOp", f"IVR menu {context.rsplit('-', 1)[1]}")
    assert inbound_rows(world.supervisor) == []

    caller = world.pbx.inbound_call(DID, STRANGER, digits="72")       # a wrong key, then the right one
    await world.pbx.wait_for("QueueCallerJoin", Channel=caller, Queue=f"{world.tenant.slug}-sales", timeout=30)
    row = await until(lambda: next(iter(inbound_rows(world.supervisor)), None))
    assert row.address == STRANGER and row.contact_id is None          # an unknown caller: the number alone
