"""Tenant isolation through the service functions, and role checks."""
import pytest

from services.identity.access import AccessDenied
from services.models.platform import Role
from services.teams import TeamError, create_team, get_team, list_teams
from tests.support.accounts import context_for, new_tenant


@pytest.fixture
def two_tenants_with_the_same_data():
    a_tenant, b_tenant = new_tenant(), new_tenant()
    a, b = context_for(a_tenant, Role.SUPERVISOR), context_for(b_tenant, Role.ADMIN)
    for ctx, secret in ((a, "secret-A"), (b, "secret-B")):
        create_team(ctx, "Ventes", secret)
    only_in_a = create_team(a, "Recouvrement", "secret-A2")
    return a, b, only_in_a


def test_each_tenant_sees_only_its_own_teams(two_tenants_with_the_same_data):
    a, b, _ = two_tenants_with_the_same_data
    assert [(t.name, t.description) for t in list_teams(a)] == [
        ("Recouvrement", "secret-A2"), ("Ventes", "secret-A")]
    assert [(t.name, t.description) for t in list_teams(b)] == [("Ventes", "secret-B")]


def test_an_id_of_another_tenant_is_simply_not_found(two_tenants_with_the_same_data):
    a, b, only_in_a = two_tenants_with_the_same_data
    assert get_team(a, only_in_a.id).description == "secret-A2"
    assert get_team(b, only_in_a.id) is None


def test_same_names_in_two_tenants_do_not_collide_but_do_within_one(
        two_tenants_with_the_same_data):
    a, _, _ = two_tenants_with_the_same_data
    with pytest.raises(TeamError, match="existe déjà"):
        create_team(a, "Ventes")
    with pytest.raises(TeamError, match="obligatoire"):
        create_team(a, "   ")


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPER_ADMIN])
def test_roles_outside_the_matrix_are_refused(role):
    tenant = None if role is Role.SUPER_ADMIN else new_tenant()
    ctx = context_for(tenant, role)
    with pytest.raises(AccessDenied):
        create_team(ctx, "Intrus")
    with pytest.raises(AccessDenied):
        list_teams(ctx)


def test_teams_list_their_active_members():
    from services.voice.agents import enroll_agent, unenroll_agent
    from services.voice.licences import grant_licences
    from services.voice.skills import set_agent_teams
    from services.teams import teams_with_members

    tenant = new_tenant()
    grant_licences(tenant.id, 3)
    admin = context_for(tenant, Role.ADMIN)
    team = create_team(admin, "Recouvrement")
    create_team(admin, "Accueil")
    people = [enroll_agent(admin, last, first, login, f"{login}-{tenant.slug}@example-corp.cm")
              for last, first, login in (("Fotso", "Hélène", "hf"), ("Biya", "Chantal", "cb"))]
    for person in people:
        set_agent_teams(admin, person.user_id, [team.id])
    unenroll_agent(admin, people[1].user_id)                       # gone agents are not members
    assert [(v.name, v.members) for v in teams_with_members(admin)] == [
        ("Accueil", []), ("Recouvrement", ["Hélène Fotso"])]


def test_a_team_staffing_a_campaign_cannot_be_deleted_until_it_is_archived():
    from services.campaigns.lifecycle import archive_campaign, create_campaign
    from services.teams import delete_team, teams_with_members
    from tests.support.campaigns import launchable_config, new_agent, ready_list

    tenant = new_tenant()
    sup = context_for(tenant, Role.SUPERVISOR)
    team = create_team(sup, "Recouvrement")
    campaign = create_campaign(sup, {**launchable_config(ready_list(sup), new_agent(tenant)[1], "Relance"),
                                     "teams": [team.id]})
    with pytest.raises(TeamError, match="staffe encore : Relance"):
        delete_team(sup, team.id)
    archive_campaign(sup, campaign.id)
    delete_team(sup, team.id)
    assert teams_with_members(sup) == []
    with pytest.raises(TeamError, match="introuvable"):
        delete_team(context_for(new_tenant(), Role.ADMIN), team.id)       # nor from another tenant
    with pytest.raises(AccessDenied):
        delete_team(context_for(tenant, Role.AGENT), team.id)
