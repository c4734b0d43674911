"""The seed's access matrix, as the server applies it."""
import pytest

from services.identity.access import AccessDenied, AuthContext, access_area, can_access, home_of
from services.models.platform import Role


def _ctx(role: Role, with_tenant: bool = True) -> AuthContext:
    tenant = dict(tenant_id=1, tenant_slug="demo", tenant_schema="tenant_demo",
                  tenant_name="Démo SARL") if with_tenant else dict(
        tenant_id=None, tenant_slug=None, tenant_schema=None, tenant_name=None)
    return AuthContext(user_id=1, email="x@y.cm", full_name="X", role=role, **tenant)


MATRIX = {  # area: roles allowed (seed: "Accès Facturation", "Gestion Campagne", ...)
    "platform": {Role.SUPER_ADMIN},
    "billing": {Role.ADMIN},
    "campaigns": {Role.ADMIN, Role.SUPERVISOR},
    "supervision": {Role.ADMIN, Role.SUPERVISOR},
    "agent_panel": {Role.AGENT},
}


@pytest.mark.parametrize("area", MATRIX)
@pytest.mark.parametrize("role", list(Role))
def test_matrix(area, role):
    ctx = _ctx(role, with_tenant=role is not Role.SUPER_ADMIN)
    allowed = role in MATRIX[area]
    assert can_access(ctx, area) is allowed
    if not allowed:
        with pytest.raises(AccessDenied):
            access_area(ctx, area)


def test_tenant_areas_need_a_tenant_and_nobody_is_anonymous():
    assert not can_access(_ctx(Role.ADMIN, with_tenant=False), "billing")
    assert not can_access(None, "platform")
    with pytest.raises(AccessDenied):
        access_area(None, "agent_panel")


def test_each_role_has_its_home():
    assert {home_of(_ctx(r)) for r in Role} == {
        "/plateforme", "/tableau-de-bord", "/supervision", "/bandeau"}
