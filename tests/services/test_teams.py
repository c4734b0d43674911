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
