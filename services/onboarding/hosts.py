"""The tenant a request's Host serves (`<slug>.<platform domain>`, UC-SA-01), and signing in
there: only that tenant's accounts get in; any other gets the wrong-password answer, so a
subdomain never tells who has an account elsewhere."""
from __future__ import annotations

from dataclasses import dataclass

from services.identity.login import LoginResult, log_in
from services.onboarding.provisioning import tenant_for_host
from services.settings import get_settings

NO_TENANT = -1  # a subdomain of no tenant: nobody signs in there


@dataclass(frozen=True)
class HostScope:
    tenant_id: int | None  # None: the platform's own address, every account signs in
    tenant_name: str = ""


def host_scope(host: str) -> HostScope:
    name = host.split(":")[0].lower().strip(".")
    domain = get_settings().platform_domain.lower()
    if not name.endswith("." + domain) or name.count(".") != domain.count(".") + 1:
        return HostScope(None)
    if name.startswith("www."):
        return HostScope(None)
    tenant = tenant_for_host(name)
    return HostScope(tenant.id, tenant.name) if tenant else HostScope(NO_TENANT)


def log_in_at_host(host: str, email: str, password: str, client_ip: str,
                   previous_token: str = "") -> LoginResult:
    return log_in(email, password, client_ip, previous_token,
                  only_tenant_id=host_scope(host).tenant_id)
