"""Preview mode against the simulator through the real bridge: the dialer offers the contact's card
instead of originating; only the agent it was offered to may « Appeler » (then the agent-first call runs)
or « Passer » with a reason (the next card is offered); outside the time bands « Appeler » is refused
with the compliance alert and nothing is originated; a card is taken back when its campaign is paused
or archived, or its agent taken off it."""
import asyncio

import pytest
from sqlalchemy import update

from services.campaigns.assignment import release_agent
from services.campaigns.lifecycle import archive_campaign, pause_campaign, resume_campaign
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.campaigns import Campaign
from services.models.interactions import Interaction
from services.models.platform import Role
from services.voice.agents import enroll_agent
from services.voice.dialer import held_call
from services.voice.preview import NOT_OFFERED, OUTSIDE_BANDS, SKIP_REASON_NEEDED, PreviewRefused, call_offered, skip_offered
from services.voice.screen_pop import agent_current_call
from tests.services.voice.test_dialer import (  # noqa: F401
    ANSWERS_TALKS_5S, ANSWERS_AND_STAYS, attempt, calls_seen, campaign_calling, ready, told, until, world)
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


def panel_told(world, row_id: int) -> list[str]:
    return [c["phase"] for c in calls_seen(world) if c.get("interaction_id") == row_id]


async def test_pausing_the_campaign_takes_the_card_back_and_resuming_offers_it_again(world):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, mode="PREVIEW")
    await ready(world)
    row = await offered(world, campaign, ANSWERS_TALKS_5S)

    await asyncio.to_thread(pause_campaign, world.supervisor, campaign)
    back = attempt(world, campaign, ANSWERS_TALKS_5S)
    assert (back.status, back.outcome, back.agent_id, back.tries) == ("QUEUED", "", None, 0)
    assert held_call(world.tenant.id, world.alice.user_id) is None
    assert panel_told(world, row.id) == ["preview", "ended"]                    # the panel drops the card
    assert await asyncio.to_thread(agent_current_call, world.agent) is None      # and a reloaded one too
    assert told(world, "notice")[-1]["message"] == "La fiche proposée est retirée : la campagne « Relance » est en pause."
    with pytest.raises(PermissionError, match=NOT_OFFERED):
        await asyncio.to_thread(call_offered, world.agent, row.id)

    await asyncio.to_thread(resume_campaign, world.supervisor, campaign)
    await until(lambda: panel_told(world, row.id) == ["preview", "ended", "preview"])
    again = attempt(world, campaign, ANSWERS_TALKS_5S)
    assert (again.id, again.status, again.outcome, again.tries) == (row.id, "SENDING", "preview", 1)


async def test_archiving_closes_the_card_and_the_agent_gets_the_next_campaigns(world):
    first = campaign_calling(world, ANSWERS_TALKS_5S, mode="PREVIEW")
    second = campaign_calling(world, ANSWERS_AND_STAYS, mode="PREVIEW")
    await ready(world)
    row = await offered(world, first, ANSWERS_TALKS_5S)          # the dialer serves the older campaign first

    await asyncio.to_thread(archive_campaign, world.supervisor, first)
    closed = attempt(world, first, ANSWERS_TALKS_5S)
    assert (closed.status, closed.failure_reason) == ("CANCELLED", "Campagne archivée avant l'appel.")
    assert closed.ended_at is not None and panel_told(world, row.id) == ["preview", "ended"]
    nxt = await offered(world, second, ANSWERS_AND_STAYS)
    assert (nxt.status, nxt.agent_id) == ("SENDING", world.alice.user_id)


async def test_an_agent_taken_off_the_campaign_gives_the_card_back_to_the_others(world):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, mode="PREVIEW")
    await ready(world)
    row = await offered(world, campaign, ANSWERS_TALKS_5S)

    await asyncio.to_thread(release_agent, world.supervisor, world.alice.user_id)
    back = attempt(world, campaign, ANSWERS_TALKS_5S)
    assert (back.id, back.status, back.agent_id) == (row.id, "QUEUED", None)
    assert held_call(world.tenant.id, world.alice.user_id) is None
    assert panel_told(world, row.id) == ["preview", "ended"]

