"""The supervisor's home: every agent's state and who works on each live campaign."""
import pytest

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.identity.access import AccessDenied
from services.models.platform import Role
from services.supervision import supervision_overview
from services.voice.presence import AgentState, set_agent_state
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import fund, launchable_config, new_agent, ready_list


def test_overview_shows_every_agent_and_the_live_campaigns_staff():
    tenant = new_tenant()
    sup = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    alice, bob, carol = (new_agent(tenant)[1] for _ in range(3))
    set_agent_state(tenant.id, alice, AgentState.IN_CALL)
    set_agent_state(tenant.id, bob, AgentState.READY)
    config = launchable_config(ready_list(sup), alice, "Relance")
    live = create_campaign(sup, {**config, "agents": [alice, bob]})
    launch_campaign(sup, live.id)
    create_campaign(sup, {**config, "name": "Brouillon", "agents": [carol]})     # not live: not shown

    overview = supervision_overview(sup)
    assert overview.states == {alice: "IN_CALL", bob: "READY", carol: "LOGGED_OUT"}
    assert [(c.name, sorted(c.agents), c.channels) for c in overview.campaigns] == [
        ("Relance", sorted([alice, bob]), ["voice", "sms"])]
    assert supervision_overview(context_for(new_tenant(), Role.SUPERVISOR)).states == {}   # nothing across tenants
    with pytest.raises(AccessDenied):
        supervision_overview(context_for(tenant, Role.AGENT))
