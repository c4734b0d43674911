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
    log, _ = provisioning_log(context_for(None, Role.SUPER_ADMIN), tenant.id)
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


def test_the_log_pages_by_tenant_searches_and_shows_failures_only():
    from services.onboarding.provisioning import LOG_PAGE_SIZE, plan_provisioning

    batch = "lot" + uuid.uuid4().hex[:6]
    ids = []
    for n in range(LOG_PAGE_SIZE + 2):
        slug = f"{batch}{n:02d}"
        with platform_session() as s:
            tenant = Tenant(slug=slug, name=f"Société {batch} {n}", country="CM", currency="XAF",
                            status="PENDING_PAYMENT", schema_name=schema_for_slug(slug))
            s.add(tenant)
            s.flush()
            plan_provisioning(s, tenant.id)
            if n % 5 == 0:
                s.exec(select(ProvisioningStep).where(ProvisioningStep.tenant_id == tenant.id,
                                                      ProvisioningStep.step == "storage")).one().status = "failed"
            ids.append(tenant.id)
    sa = context_for(None, Role.SUPER_ADMIN)

    first, total = provisioning_log(sa, search=batch)
    assert total == LOG_PAGE_SIZE + 2
    assert sorted({r.tenant_id for r in first}, reverse=True) == ids[::-1][:LOG_PAGE_SIZE]   # newest first
    assert len(first) == LOG_PAGE_SIZE * 4                                                   # every step
    second, _ = provisioning_log(sa, search=batch, page=1)
    assert {r.tenant_id for r in second} == set(ids[:2])
    failed, total = provisioning_log(sa, search=batch.upper(), failed_only=True)
    assert total == 3 and {r.tenant_id for r in failed} == {ids[0], ids[5], ids[10]}
    assert provisioning_log(sa, search="aucune-instance-ainsi") == ([], 0)
