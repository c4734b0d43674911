"""The progressive dialer against the PBX simulator, through the real bridge: agent first, one interaction
per attempt, outcomes from the AMI signals (busy, invalid, answering machine, answered), screen pop and
qualification. Customer outcomes follow the simulator's rule on the last two digits of the number."""
import asyncio
import functools
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.audience.blacklist import record_opt_out
from services.audience.file_import import import_file
from services.billing.prices import price_list, save_price_list
from services.billing.wallet import wallet_of
from services.campaigns.config import default_config
from services.campaigns.forms import clean_form
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.infra.redis import get_redis
from services.live import user_topic
from services.live.events import STREAM, LiveEvent
from services.models.interactions import Interaction
from services.models.platform import Role
from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.tenants import demo_tenant
from services.voice.agents import enroll_agent
from services.voice.bridge import Bridge
from services.voice.call_outcomes import TELECOM_ERROR
from services.voice.dialer import BLACKLISTED, next_call
from services.voice.gateway import PbxConfig
from services.identity.system import system_context
from services.voice.licences import grant_licences
from services.voice.presence import AgentState, agent_state
from services.voice.qualification import QualificationError, qualify
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import fund
from tests.support.platform_options import restored_prices
from tests.support.waiting import until as wait

# +237 6 71 23 4x yz: z = the simulator's outcome, y = how long an answering customer talks (y * 5 s, 0 = stays).
# The machine stays on the line: a hang-up timer would race the AMD on the simulator's virtual clock.
ANSWERS_TALKS_5S, ANSWERS_AND_STAYS, BUSY, INVALID, MACHINE = (
    "+237671234511", "+237671234501", "+237671234524", "+237671234525", "+237671234507")
PRICE = 25


until = functools.partial(wait, blocking=True)      # its conditions read the database


# Its `world` starts the simulator whatever the environment says: the carrier's outcomes per number (busy,
# invalid, answering machine) and phones that never answer are the simulator's.
pytestmark = pytest.mark.simulator

@pytest.fixture
async def world(tmp_path, monkeypatch):
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    tenant = new_tenant()
    grant_licences(tenant.id, 2)
    admin, supervisor = context_for(tenant, Role.ADMIN), context_for(tenant, Role.SUPERVISOR)
    alice = enroll_agent(admin, "Agent", "Alice", "alice", f"alice-{tenant.slug}@example-corp.cm")
    fund(tenant.id)
    pbx = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                 tenants=[demo_tenant(tenant.slug)], auth_failure_delay=0.05)
    bridge = Bridge(PbxConfig("127.0.0.1", pbx.port, "amiuser", "amipass"))
    bridge.dialer.tick = 0.2
    task = asyncio.ensure_future(bridge.run())
    await asyncio.wait_for(bridge.gateway.ready.wait(), 10)
    with restored_prices("XAF") as saved:
        save_price_list(context_for(None, Role.SUPER_ADMIN), "XAF",
                        {**{k: str(v) for k, v in saved.items()}, "voice_minute": str(PRICE)})
        yield type("World", (), dict(tenant=tenant, supervisor=supervisor, alice=alice, agent=system_context(tenant.id, alice.user_id), pbx=pbx, bridge=bridge,
                                     slug=tenant.slug, endpoint=f"{tenant.slug}-2001"))
    bridge.stop()
    await task
    await pbx.close()


def campaign_calling(world, *phones: str, amd: bool = False, busy_retry: int = 15, codes: list | None = None,
                     **voice) -> int:
    """A LIVE progressive campaign, open all week, with Alice and a list of these numbers (in order)."""
    rows = "".join(f"Client{i};Paul{i};{phone};\n" for i, phone in enumerate(phones))
    list_id = import_file(world.supervisor, f"Liste {uuid.uuid4().hex[:6]}", f"Nom;Prénom;Téléphone;Email\n{rows}".encode())
    config = default_config("Relance")
    config["bands"] = {str(d): "00:00-23:59" for d in range(7)}
    config["channels"]["voice"].update(**{**dict(
        enabled=True, mode="PROGRESSIVE", script="<p>Bonjour {Prenom} {Nom}</p>", amd=amd,
        busy_retry_minutes=busy_retry, retry_minutes=60, max_attempts=3), **voice})
    config["form"] = clean_form([{"label": "Budget", "type": "text", "required": True}])
    config.update(agents=[world.alice.user_id], lists=[list_id])
    config["codes"] += codes or []
    campaign = create_campaign(world.supervisor, config)
    launch_campaign(world.supervisor, campaign.id)
    return campaign.id


def attempts(world, campaign_id: int) -> list[Interaction]:
    with tenant_session(world.supervisor) as session:
        return list(session.execute(select(Interaction).where(Interaction.campaign_id == campaign_id)
                                    .order_by(Interaction.id)).scalars())


def attempt(world, campaign_id: int, phone: str, step: int = 0) -> Interaction | None:
    return next((a for a in attempts(world, campaign_id) if a.address == phone and a.step == step), None)


def told(world, kind: str) -> list[dict]:
    """What Alice's topic was told of this kind (her panel, the supervisors' cards), oldest first."""
    topic = user_topic(world.tenant.id, world.alice.user_id)
    events = [LiveEvent.from_fields(f) for _, f in get_redis().xrevrange(STREAM, count=2000)]
    return [e.data for e in reversed(events) if topic in e.topics and e.kind == kind]


def states_told(world) -> list[dict]:
    return told(world, "agent_state")


def calls_seen(world) -> list[dict]:
    return told(world, "call")


async def ready(world) -> None:
    world.pbx.register_phone(world.endpoint)
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is not AgentState.LOGGED_OUT)


async def test_answered_call_pops_is_rated_then_qualified_and_the_next_contact_is_dialled(world):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, ANSWERS_AND_STAYS)
    balance = wallet_of(world.tenant.id).balance
    await ready(world)

    pop = await until(lambda: next((c for c in calls_seen(world) if c["phase"] == "ringing"), None))
    assert pop["contact"]["name"] == "Paul0 Client0" and pop["contact"]["phone"] == ANSWERS_TALKS_5S
    assert pop["script"] == "<p>Bonjour Paul0 Client0</p>"
    assert [f["key"] for f in pop["fields"]] == ["Budget"] and "VENTE" in [c["code"] for c in pop["codes"]]
    card = await until(lambda: next((s for s in states_told(world) if s["state"] == "IN_CALL"), None))
    assert (card["campaign"], card["caller"]) == ("Relance", ANSWERS_TALKS_5S)   # the supervisor's card

    first = await until(lambda: (a := attempt(world, campaign, ANSWERS_TALKS_5S)) and a.status == "ENDED" and a)
    assert first.outcome == "answered" and first.answered_at and first.ringing_at and first.agent_id == world.alice.user_id
    assert (first.cost_amount, first.cost_currency) == (PRICE, "XAF")          # one started minute
    assert attempt(world, campaign, ANSWERS_TALKS_5S, step=1) is None          # reached: no retry
    assert wallet_of(world.tenant.id).balance == balance - PRICE
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.WRAP_UP)
    assert attempt(world, campaign, ANSWERS_AND_STAYS) is None                # nothing dialled in post-call work

    with pytest.raises(QualificationError) as refused:                       # required field empty
        await asyncio.to_thread(qualify, world.agent, first.id, "VENTE", {"Budget": ""})
    assert refused.value.errors == {"Budget": "Champ obligatoire."}
    await asyncio.to_thread(qualify, world.agent, first.id, "VENTE", {"Budget": "5000"}, "Très intéressé")

    done = attempt(world, campaign, ANSWERS_TALKS_5S)
    assert (done.status, done.qualification) == ("WRAPPED_UP", "VENTE")
    assert done.form_answers == {"Budget": "5000", "commentaire": "Très intéressé"}
    second = await until(lambda: attempt(world, campaign, ANSWERS_AND_STAYS))  # no action from the agent
    assert second.agent_id == world.alice.user_id and second.step == 0


async def test_busy_is_due_again_after_the_campaigns_delay(world):
    campaign = campaign_calling(world, BUSY, busy_retry=15)
    await ready(world)
    busy = await until(lambda: (a := attempt(world, campaign, BUSY)) and a.status == "ENDED" and a)
    assert busy.outcome == "busy"
    retry = await until(lambda: attempt(world, campaign, BUSY, step=1))
    assert (retry.status, retry.next_try_at - busy.ended_at) == ("QUEUED", timedelta(minutes=15))
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.READY)   # no post-call work

    assert next_call(world.tenant.id, world.alice.user_id, now=busy.ended_at + timedelta(minutes=14)) is None
    again = next_call(world.tenant.id, world.alice.user_id, now=busy.ended_at + timedelta(minutes=15))
    assert (again.interaction_id, again.phone) == (retry.id, BUSY)
    assert next_call(world.tenant.id, world.alice.user_id, now=busy.ended_at + timedelta(minutes=15)) is None


async def test_invalid_number_is_a_telecom_error_and_the_next_contact_is_dialled(world):
    campaign = campaign_calling(world, INVALID, ANSWERS_AND_STAYS)
    await ready(world)
    failed = await until(lambda: (a := attempt(world, campaign, INVALID)) and a.status == "FAILED" and a)
    assert (failed.outcome, failed.failure_reason, failed.failure_class) == ("invalid", TELECOM_ERROR, "PERMANENT")
    assert failed.cost_amount == 0
    await until(lambda: attempt(world, campaign, ANSWERS_AND_STAYS))
    assert attempt(world, campaign, INVALID, step=1) is None                   # never retried


async def test_answering_machine_is_recycled_and_never_reaches_the_agent(world):
    campaign = campaign_calling(world, MACHINE, amd=True)
    await ready(world)
    machine = await until(lambda: (a := attempt(world, campaign, MACHINE)) and a.status == "ENDED" and a)
    assert machine.outcome == "machine" and machine.answered_at is None
    recycled = await until(lambda: attempt(world, campaign, MACHINE, step=1))
    assert (recycled.status, recycled.next_try_at - machine.ended_at) == ("QUEUED", timedelta(minutes=60))
    assert not [c for c in calls_seen(world) if c["phase"] == "ringing"]
    assert agent_state(world.tenant.id, world.alice.user_id) is AgentState.READY


async def test_a_blacklisted_contact_is_never_dialled_and_the_reason_is_kept(world):
    campaign = campaign_calling(world, INVALID, ANSWERS_AND_STAYS)
    record_opt_out(world.tenant.id, phone=INVALID, channel="TOUS", source="MANUAL")   # after the import
    await ready(world)
    await until(lambda: attempt(world, campaign, ANSWERS_AND_STAYS))
    skipped = attempt(world, campaign, INVALID)
    assert (skipped.status, skipped.failure_reason, skipped.failure_class) == ("CANCELLED", BLACKLISTED, "BLACKLIST")


async def test_an_agent_whose_phone_does_not_answer_is_paused_and_the_contact_is_due_again(world):
    campaign = campaign_calling(world, ANSWERS_AND_STAYS)
    world.pbx.set_phone(world.endpoint, "ignore")
    await ready(world)
    missed = await until(lambda: (a := attempt(world, campaign, ANSWERS_AND_STAYS)) and a.status == "FAILED" and a)
    assert (missed.outcome, missed.failure_class) == ("agent-unreachable", "TRANSIENT")
    await until(lambda: agent_state(world.tenant.id, world.alice.user_id) is AgentState.PAUSED)
    again = attempt(world, campaign, ANSWERS_AND_STAYS, step=1)
    assert again.status == "QUEUED" and again.next_try_at <= missed.ended_at     # nobody else lost it


def test_a_wallet_too_low_to_call_pauses_the_campaign_with_the_reason(world):
    from services.billing.wallet import debit_wallet
    from services.campaigns.lifecycle import get_campaign
    from services.voice.dialer import LOW_WALLET

    campaign = campaign_calling(world, ANSWERS_AND_STAYS)
    debit_wallet(world.tenant.id, wallet_of(world.tenant.id).balance - PRICE + 1, kind="adjustment")
    assert next_call(world.tenant.id, world.alice.user_id) is None
    paused = get_campaign(world.supervisor, campaign)
    assert (paused.status, paused.pause_reason) == ("EN_PAUSE", f"Mise en pause automatique : {LOW_WALLET}")
    assert [(a.status, a.tries) for a in attempts(world, campaign)] == [("QUEUED", 0)]   # not dialled


def test_the_wallet_is_checked_at_the_price_of_the_numbers_destination(world):
    """100 XAF pay four minutes to Cameroon (the general 25) but not one to a French mobile (500): that
    number goes back to the queue untouched and pauses its campaign; a Cameroonian number is called."""
    from services.billing.destinations import remove_destination_price, set_destination_price
    from services.billing.wallet import debit_wallet
    from services.campaigns.lifecycle import get_campaign
    from services.voice.dialer import LOW_WALLET

    french = "+33612345601"
    platform = context_for(None, Role.SUPER_ADMIN)
    assert set_destination_price(platform, "XAF", "FR", "mobile", "500") == {}
    try:
        abroad = campaign_calling(world, french)
        debit_wallet(world.tenant.id, wallet_of(world.tenant.id).balance - 100, kind="adjustment")
        assert next_call(world.tenant.id, world.alice.user_id) is None
        paused = get_campaign(world.supervisor, abroad)
        assert (paused.status, paused.pause_reason) == ("EN_PAUSE", f"Mise en pause automatique : {LOW_WALLET}")
        back = attempt(world, abroad, french)
        assert (back.status, back.agent_id, back.tries, back.failure_reason) == ("QUEUED", None, 0, LOW_WALLET)

        home = campaign_calling(world, ANSWERS_AND_STAYS)
        planned = next_call(world.tenant.id, world.alice.user_id)
        assert (planned.campaign_id, planned.phone) == (home, ANSWERS_AND_STAYS)
    finally:
        remove_destination_price(platform, "XAF", "voice:FR:mobile")


async def test_a_call_of_no_campaign_is_qualified_with_the_default_codes(world):
    """An inbound call the general queue gave the agent: the pop offers the default codes that need no
    campaign (no callback to dial from), and « Valider » works (it used to fail on the missing campaign)."""
    from services.models.columns import utcnow
    from services.voice.screen_pop import screen_pop

    with tenant_session(world.supervisor) as session:
        call = Interaction(channel="VOIX", direction="IN", slot="voice", step=0, address="+237677000111",
                           agent_id=world.alice.user_id, status="ENDED", queued_at=utcnow(),
                           answered_at=utcnow(), ended_at=utcnow())
        session.add(call)
        session.flush()
        call_id = call.id
    pop = screen_pop(world.tenant.id, call_id)
    assert [c["code"] for c in pop["codes"]] == ["VENTE", "REFUS", "NUMERO_INVALIDE"]
    with pytest.raises(QualificationError):
        await asyncio.to_thread(qualify, world.agent, call_id, "RAPPEL", {})
    done = await asyncio.to_thread(qualify, world.agent, call_id, "REFUS", {}, "Client renseigné")
    assert (done.status, done.qualification, done.form_answers) == (
        "WRAPPED_UP", "REFUS", {"commentaire": "Client renseigné"})


async def test_rappel_schedules_the_callback_and_ne_plus_appeler_blacklists(world):
    from datetime import datetime, timezone
    from services.audience.blacklist import is_opted_out

    second = "+237671234512"                      # answers after 3 s, hangs up 5 s later
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, second, codes=[
        {"code": "NE_PLUS_APPELER", "label": "Ne plus appeler", "action": "blacklist", "template": ""}])
    await ready(world)
    first = await until(lambda: (a := attempt(world, campaign, ANSWERS_TALKS_5S)) and a.status == "ENDED" and a)
    with pytest.raises(QualificationError) as refused:
        await asyncio.to_thread(qualify, world.agent, first.id, "RAPPEL", {"Budget": "1000"})
    assert refused.value.errors == {"_callback": "Choisissez la date et l'heure du rappel."}
    at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)
    await asyncio.to_thread(qualify, world.agent, first.id, "RAPPEL", {"Budget": "1000"}, "", at)
    callback = attempt(world, campaign, ANSWERS_TALKS_5S, step=1)
    assert (callback.status, callback.next_try_at, callback.agent_id) == ("QUEUED", at, world.alice.user_id)

    called = await until(lambda: (a := attempt(world, campaign, second)) and a.status == "ENDED" and a)
    await asyncio.to_thread(qualify, world.agent, called.id, "NE_PLUS_APPELER", {"Budget": "0"})
    assert is_opted_out(world.tenant.id, phone=second)
    assert attempt(world, campaign, second, step=1) is None


def test_a_contact_over_the_frequency_cap_is_postponed_with_the_reason(world):
    from services.campaigns.presets import Cap, set_frequency_cap
    from services.models.columns import utcnow
    from services.voice.dialer import OVER_CAP

    set_frequency_cap(world.supervisor, Cap("VOIX", 1, 30))
    earlier = utcnow() - timedelta(days=3)
    with tenant_session(world.supervisor) as session:              # called 3 days ago (another campaign)
        session.add(Interaction(channel="VOIX", address=BUSY, status="ENDED", queued_at=earlier, ended_at=earlier))
        session.commit()
    campaign = campaign_calling(world, BUSY)
    assert next_call(world.tenant.id, world.alice.user_id) is None
    postponed = attempt(world, campaign, BUSY)
    assert (postponed.status, postponed.failure_reason) == ("QUEUED", OVER_CAP.format(n=1, days=30))
    assert postponed.next_try_at == earlier + timedelta(days=30)


async def test_a_call_lost_with_a_bridge_restart_is_closed_and_the_agent_dialled_again(world):
    from services.voice.call_outcomes import INTERRUPTED_REASON
    from services.voice.dialer import ACTIVE_CALL

    campaign = campaign_calling(world, ANSWERS_AND_STAYS)
    lost = await asyncio.to_thread(next_call, world.tenant.id, world.alice.user_id)   # claimed by a bridge now gone
    get_redis().set(ACTIVE_CALL.format(tenant_id=world.tenant.id, user_id=world.alice.user_id), lost.interaction_id)
    await ready(world)
    again = await until(lambda: (a := attempt(world, campaign, ANSWERS_AND_STAYS, step=1)) and a.status != "QUEUED" and a)
    assert again.agent_id == world.alice.user_id
    closed = attempt(world, campaign, ANSWERS_AND_STAYS)
    assert (closed.status, closed.failure_class, closed.failure_reason) == ("FAILED", "INTERRUPTED", INTERRUPTED_REASON)
