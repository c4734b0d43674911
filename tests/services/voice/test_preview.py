"""Preview mode against the simulator through the real bridge: the dialer offers the contact's card
instead of originating; only the agent it was offered to may « Appeler » (then the agent-first call runs)
or « Passer » with a reason (the next card is offered); outside the time bands « Appeler » is refused
with the compliance alert and nothing is originated."""
import asyncio

import pytest
from sqlalchemy import update

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.campaigns import Campaign
from services.models.interactions import Interaction
from services.models.platform import Role
from services.voice.agents import enroll_agent
from services.voice.preview import NOT_OFFERED, OUTSIDE_BANDS, SKIP_REASON_NEEDED, PreviewRefused, call_offered, skip_offered
from services.voice.screen_pop import agent_current_call
from tests.services.voice.test_dialer import (  # noqa: F401
    ANSWERS_TALKS_5S, ANSWERS_AND_STAYS, attempt, calls_seen, campaign_calling, ready, until, world)
from tests.support.accounts import context_for


def offers(world) -> list[dict]:
    return [c for c in calls_seen(world) if c["phase"] == "preview"]


async def offered(world, campaign: int, phone: str) -> Interaction:
    await until(lambda: any(o["contact"]["phone"] == phone for o in offers(world)))
    return attempt(world, campaign, phone)


async def test_the_card_is_offered_and_appeler_dials_it_agent_first(world):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, mode="PREVIEW")
    originated = []
    world.pbx.bus.subscribe(lambda m: originated.append(m) if ("Event", "OriginateResponse") in m else None)
    await ready(world)
    row = await offered(world, campaign, ANSWERS_TALKS_5S)
    assert (row.status, row.outcome, row.agent_id) == ("SENDING", "preview", world.alice.user_id)
    pop = offers(world)[-1]
    assert pop["contact"]["name"] == "Paul0 Client0" and pop["interaction_id"] == row.id
    assert (await asyncio.to_thread(agent_current_call, world.agent))["phase"] == "preview"   # a reloaded panel
    assert originated == []                                               # nothing dialled before the click

    bob = enroll_agent(context_for(world.tenant, Role.ADMIN), "Agent", "Bob", "bob", f"bob-{world.slug}@example-corp.cm")
    for intruder, forged in ((system_context(world.tenant.id, bob.user_id), row.id), (world.agent, row.id + 1000)):
        with pytest.raises(PermissionError, match=NOT_OFFERED):
            await asyncio.to_thread(call_offered, intruder, forged)
    with pytest.raises(PermissionError):                                  # not an agent's page
        await asyncio.to_thread(call_offered, world.supervisor, row.id)

    await asyncio.to_thread(call_offered, world.agent, row.id)
    with pytest.raises(PermissionError, match=NOT_OFFERED):              # a double click dials once
        await asyncio.to_thread(call_offered, world.agent, row.id)
    done = await until(lambda: (a := attempt(world, campaign, ANSWERS_TALKS_5S)) and a.status == "ENDED" and a)
    assert (done.outcome, done.agent_id) == ("answered", world.alice.user_id) and done.ringing_at
    assert len([m for m in originated if ("Response", "Success") in m]) == 1


async def test_passer_needs_a_reason_closes_the_card_and_offers_the_next(world):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, ANSWERS_AND_STAYS, mode="PREVIEW")
    await ready(world)
    first = await offered(world, campaign, ANSWERS_TALKS_5S)
    with pytest.raises(PreviewRefused, match=SKIP_REASON_NEEDED):
        await asyncio.to_thread(skip_offered, world.agent, first.id, "  ")
    await asyncio.to_thread(skip_offered, world.agent, first.id, "Déjà client")
    skipped = attempt(world, campaign, ANSWERS_TALKS_5S)
    assert (skipped.status, skipped.outcome, skipped.failure_reason) == (
        "CANCELLED", "skipped", "Passé par l'agent : Déjà client")
    second = await offered(world, campaign, ANSWERS_AND_STAYS)
    assert second.status == "SENDING" and second.agent_id == world.alice.user_id
    with pytest.raises(PermissionError, match=NOT_OFFERED):               # the skipped card is gone
        await asyncio.to_thread(skip_offered, world.agent, first.id, "Encore")


async def test_appeler_outside_the_time_bands_is_refused_and_nothing_is_dialled(world):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, mode="PREVIEW")
    originated = []
    world.pbx.bus.subscribe(lambda m: originated.append(m) if ("Event", "OriginateResponse") in m else None)
    await ready(world)
    row = await offered(world, campaign, ANSWERS_TALKS_5S)
    with tenant_session(world.supervisor) as session:                    # the band closes while the card is shown
        config = session.get(Campaign, campaign).config
        session.execute(update(Campaign).where(Campaign.id == campaign).values(
            config={**config, "bands": {str(d): "" for d in range(7)}}))
        session.commit()
    with pytest.raises(PreviewRefused, match="Alerte conformité"):
        await asyncio.to_thread(call_offered, world.agent, row.id)
    later = attempt(world, campaign, ANSWERS_TALKS_5S)
    assert later.status == "QUEUED" and later.agent_id is None and later.next_try_at > row.sending_at
    assert originated == [] and OUTSIDE_BANDS.startswith("Alerte conformité")
