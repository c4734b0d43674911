"""Caller ID per campaign: the voice slot chooses one of the tenant's own DIDs, and that number is what the
customer's leg shows when the simulator dials it (through the real bridge and Originate)."""
import asyncio

import pytest

from services.campaigns.store import CampaignError
from services.models.platform import Role
from services.voice.phone_numbers import campaign_caller_id, list_numbers, save_number
from services.identity.system import system_context
from tests.services.voice.test_dialer import ANSWERS_AND_STAYS, MACHINE, attempt, campaign_calling, ready, until, world  # noqa: F401
from tests.support.accounts import context_for, new_tenant

OURS, THEIRS = "+237699000002", "+237699000077"


def numbers(world, *dids: str) -> None:
    admin = context_for(world.tenant, Role.ADMIN)
    for did in dids:
        assert save_number(admin, None, did, f"Ligne {did[-2:]}", [], None) == {}


async def test_the_campaigns_did_is_the_caller_id_the_customer_sees(world):
    numbers(world, "+237699000001", OURS)
    campaign = campaign_calling(world, ANSWERS_AND_STAYS, caller_id=OURS)
    dialled = asyncio.ensure_future(world.pbx.wait_for("DialBegin", timeout=60, DialString=f"{ANSWERS_AND_STAYS}@carrier"))
    await ready(world)
    begin = dict(await dialled)
    assert begin["CallerIDNum"] == OURS                    # the agent's leg, shown to the customer
    assert begin["DestConnectedLineNum"] == OURS
    assert campaign_caller_id(system_context(world.tenant.id), campaign, {"channels": {"voice": {"caller_id": OURS}}}) == OURS
    await until(lambda: attempt(world, campaign, ANSWERS_AND_STAYS))


async def test_customer_first_originates_with_the_campaigns_did(world):
    numbers(world, OURS)
    campaign_calling(world, MACHINE, amd=True, caller_id=OURS)
    originated = asyncio.ensure_future(world.pbx.wait_for("OriginateResponse", timeout=60, Response="Success"))
    await ready(world)
    assert dict(await originated)["CallerIDNum"] == OURS


def test_a_number_of_another_tenant_is_refused(world):
    other = new_tenant()
    assert save_number(context_for(other, Role.ADMIN), None, THEIRS, "Autre instance", [], None) == {}
    with pytest.raises(CampaignError, match="un des numéros de votre instance"):
        campaign_calling(world, ANSWERS_AND_STAYS, caller_id=THEIRS)


def test_without_a_valid_choice_the_number_set_in_parametres_is_used(world):
    numbers(world, OURS)
    campaign = campaign_calling(world, ANSWERS_AND_STAYS)
    ctx = system_context(world.tenant.id)
    assert campaign_caller_id(ctx, campaign, {}) is None
    admin = context_for(world.tenant, Role.ADMIN)
    [line] = list_numbers(admin)
    assert save_number(admin, line.id, OURS, "Ligne", [campaign], None) == {}
    assert campaign_caller_id(ctx, campaign, {}) == OURS
    assert campaign_caller_id(ctx, campaign, {"channels": {"voice": {"caller_id": "+237699000055"}}}) == OURS
