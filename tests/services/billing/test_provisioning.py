"""UC-SA-01: provisioning steps are logged; a failed step is retried without redoing the others."""
import uuid

from sqlalchemy import inspect
from sqlmodel import select

from services.db.engine import get_engine, platform_session
from services.db.tenancy import schema_for_slug
from services.models.billing import ProvisioningStep
from services.models.platform import Role, Tenant
from services.onboarding.provisioning import (
    provisioning_log, run_provisioning, tenant_for_host, tenant_storage,
)
from services.settings import get_settings
from tests.support.accounts import context_for


def _pending_tenant() -> Tenant:
    slug = "v" + uuid.uuid4().hex[:10]
    with platform_session() as s:
        tenant = Tenant(slug=slug, name=f"Nouvelle {slug}", country="CI", currency="XOF",
                        status="PENDING_PAYMENT", schema_name=schema_for_slug(slug))
        s.add(tenant)
    return tenant


def _steps(tenant_id):
    with platform_session() as s:
        return {p.step: p for p in s.exec(select(ProvisioningStep)
                                          .where(ProvisioningStep.tenant_id == tenant_id))}


def test_a_failed_step_is_retried_and_done_steps_are_not_redone():
    tenant = _pending_tenant()
    blocker = tenant_storage(tenant.slug)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the tenant's folder must go")

    assert run_provisioning(tenant.id) is False
    steps = _steps(tenant.id)
    assert (steps["schema"].status, steps["schema"].attempts) == ("done", 1)
    assert steps["storage"].status == "failed" and steps["storage"].detail
    assert steps["activate"].status == "pending"
    log = provisioning_log(context_for(None, Role.SUPER_ADMIN), tenant.id)
    assert [(r.step, r.status) for r in log][:3] == [
        ("schema", "done"), ("subdomain", "done"), ("storage", "failed")]

    blocker.unlink()
    assert run_provisioning(tenant.id) is True
    steps = _steps(tenant.id)
    assert steps["schema"].attempts == 1 and steps["storage"].attempts == 2
    assert all(p.status == "done" for p in steps.values())
    assert inspect(get_engine()).has_schema(tenant.schema_name)
    with platform_session() as s:
        assert s.get(Tenant, tenant.id).status == "ACTIVE"
    found = tenant_for_host(f"{tenant.slug}.{get_settings().platform_domain}:3000")
    assert found is not None and found.id == tenant.id
    assert tenant_for_host("elsewhere.example.com") is None
