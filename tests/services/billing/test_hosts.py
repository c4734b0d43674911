"""Signing in on a tenant's subdomain: only that tenant's accounts get in."""
from services.identity.login import WRONG_CREDENTIALS
from services.models.platform import Role
from services.onboarding.hosts import NO_TENANT, host_scope, log_in_at_host
from services.settings import get_settings
from tests.support.accounts import PASSWORD, new_tenant, new_user


def test_host_scope_resolves_the_tenant_from_its_subdomain():
    tenant = new_tenant()
    domain = get_settings().platform_domain
    assert host_scope(f"{tenant.slug}.{domain}:3000") == host_scope(f"{tenant.slug.upper()}.{domain}")
    assert host_scope(f"{tenant.slug}.{domain}").tenant_name == tenant.name
    assert host_scope(f"nobody-here.{domain}").tenant_id == NO_TENANT
    for platform_host in ("localhost:3000", domain, f"www.{domain}", f"a.{tenant.slug}.{domain}"):
        assert host_scope(platform_host).tenant_id in (None, NO_TENANT)
    assert host_scope("localhost:3000").tenant_id is None


def test_a_user_of_another_tenant_gets_the_wrong_password_answer():
    home, other = new_tenant(), new_tenant()
    host = f"{home.slug}.{get_settings().platform_domain}"
    mine, theirs = new_user(home, Role.ADMIN), new_user(other, Role.ADMIN)
    assert log_in_at_host(host, theirs, PASSWORD, "10.3.3.3").error == WRONG_CREDENTIALS
    assert log_in_at_host(host, mine, "wrong-password-1", "10.3.3.3").error == WRONG_CREDENTIALS
    assert log_in_at_host(host, mine, PASSWORD, "10.3.3.3").context.tenant_id == home.id
    assert log_in_at_host("localhost:3000", theirs, PASSWORD, "10.3.3.3").error == ""
    assert log_in_at_host(f"ghost.{get_settings().platform_domain}", mine, PASSWORD,
                          "10.3.3.3").error == WRONG_CREDENTIALS
