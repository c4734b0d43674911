"""Predictive mode against the simulator through the real bridge: the customer is dialled first into the
campaign's queue; an agent who picks up gets the call (and its screen pop); with no agent within the wait
the call is an abandon, counted in the campaign's rates that the pacing reads."""
import asyncio

from services.voice.predictive import ABANDONED, campaign_rates
from services.voice.sip import campaign_queue
from tests.services.voice.test_dialer import (  # noqa: F401
    ANSWERS_TALKS_5S, attempt, calls_seen, campaign_calling, ready, until, world)


def predictive_campaign(world, *phones: str) -> int:
    campaign = campaign_calling(world, *phones, mode="PREDICTIVE")
    # what the tenant's queues include gives Asterisk: the campaign's queue, its agent a member
    world.pbx.pbx.queues.create(campaign_queue(world.slug, campaign), [(f"PJSIP/{world.endpoint}", "Alice")], 0)
    return campaign


async def test_the_customer_is_dialled_first_and_connected_to_the_ready_agent(world):
    campaign = predictive_campaign(world, ANSWERS_TALKS_5S)
    originated = asyncio.ensure_future(world.pbx.wait_for("OriginateResponse", timeout=60, Response="Success"))
    await ready(world)
    response = dict(await originated)
    assert response["Channel"].startswith("PJSIP/carrier-") and response["Context"] == f"t-{world.slug}-predictive"
    done = await until(lambda: (a := attempt(world, campaign, ANSWERS_TALKS_5S)) and a.status == "ENDED" and a, 30)
    assert (done.outcome, done.agent_id) == ("answered", world.alice.user_id) and done.answered_at
    pop = next(c for c in calls_seen(world) if c["phase"] == "ringing")
    assert pop["interaction_id"] == done.id and pop["contact"]["phone"] == ANSWERS_TALKS_5S
    rates = campaign_rates(world.tenant.id, campaign)
    assert (rates.measured, rates.answer_rate, rates.answered_today, rates.abandoned_today) == (1, 1.0, 1, 0)


async def test_no_agent_within_the_wait_is_an_abandon_counted_for_the_pacing(world):
    campaign = predictive_campaign(world, ANSWERS_TALKS_5S)
    world.pbx.set_phone(world.endpoint, "ignore")                      # Alice's phone rings on
    abandoned = asyncio.ensure_future(world.pbx.wait_for("UserEvent", timeout=60, UserEvent="PredictiveResult"))
    await ready(world)
    assert dict(await abandoned)["QueueStatus"] == "TIMEOUT"
    lost = await until(lambda: (a := attempt(world, campaign, ANSWERS_TALKS_5S)) and a.status == "ENDED" and a, 30)
    assert lost.outcome == ABANDONED and lost.cost_amount == 0
    retry = await until(lambda: attempt(world, campaign, ANSWERS_TALKS_5S, step=1))
    assert retry.status == "QUEUED"
    rates = campaign_rates(world.tenant.id, campaign)
    assert (rates.answered_today, rates.abandoned_today) == (1, 1)
