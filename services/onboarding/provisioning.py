"""Provisioning (UC-SA-01): each step logged, idempotent, and retryable from the console.

Steps: the tenant's schema at the migration head, its subdomain, its storage folders,
then activation. A step that is done is never run again; a failed one is retried.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_, text
from sqlmodel import Session, select

from services.db.engine import platform_session
from services.db.tenancy import provision_schema, schema_for_slug
from services.identity.access import AuthContext, access_area
from services.models.billing import ProvisioningStep
from services.models.platform import Tenant, TenantStatus
from services.settings import get_settings

STEPS = ["schema", "subdomain", "storage", "activate"]
STEP_LABELS = {"schema": "Schéma de base de données isolé", "subdomain": "Sous-domaine",
               "storage": "Espace disque dédié", "activate": "Activation de l'instance"}
STORAGE_FOLDERS = ("documents", "invoices", "receipts", "recordings", "imports")
LOG_PAGE_SIZE = 10   # tenants per page of the console's log


@dataclass(frozen=True)
class StepView:
    tenant_id: int
    tenant_name: str
    tenant_slug: str
    step: str
    label: str
    status: str
    attempts: int
    detail: str
    updated_at: datetime


def tenant_storage(slug: str) -> Path:
    return get_settings().data_dir / "tenants" / slug


def subdomain_of(slug: str) -> str:
    return f"{slug}.{get_settings().platform_domain}"


def prepare_storage(slug: str) -> Path:
    root = tenant_storage(slug)
    for folder in STORAGE_FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    return root


def plan_provisioning(session: Session, tenant_id: int) -> None:
    for position, step in enumerate(STEPS):
        session.connection().execute(text(
            "INSERT INTO platform.provisioning_step (tenant_id, step, position, status, "
            "attempts, detail, updated_at) VALUES (:t, :s, :p, 'pending', 0, '', now()) "
            "ON CONFLICT (tenant_id, step) DO NOTHING"), {"t": tenant_id, "s": step, "p": position})


def _run_step(step: str, tenant: Tenant) -> str:
    if step == "schema":
        provision_schema(tenant.schema_name)
        return tenant.schema_name
    if step == "subdomain":
        schema_for_slug(tenant.slug)  # the slug is a valid DNS label and reserved (unique)
        return subdomain_of(tenant.slug)
    if step == "storage":
        return str(prepare_storage(tenant.slug))
    if step == "activate":
        with platform_session() as s:
            s.connection().execute(text(
                "UPDATE platform.tenant SET status = :a WHERE id = :t AND status = :p"),
                {"a": TenantStatus.ACTIVE.value, "p": TenantStatus.PENDING_PAYMENT.value,
                 "t": tenant.id})
        return "ACTIVE"
    raise ValueError(step)


def run_provisioning(tenant_id: int) -> bool:
    """Run the steps not done yet, in order; stop at the first failure. True when all done."""
    with platform_session() as s:
        plan_provisioning(s, tenant_id)
        tenant = s.get(Tenant, tenant_id)
        steps = s.exec(select(ProvisioningStep).where(ProvisioningStep.tenant_id == tenant_id)
                       .order_by(ProvisioningStep.position)).all()
    for step in steps:
        if step.status == "done":
            continue
        try:
            detail, status = _run_step(step.step, tenant), "done"
        except Exception as exc:  # logged for the console, retried from there
            detail, status = f"{type(exc).__name__}: {exc}"[:500], "failed"
        with platform_session() as s:
            s.connection().execute(text(
                "UPDATE platform.provisioning_step SET status = :st, attempts = attempts + 1, "
                "detail = :d, updated_at = now() WHERE id = :i"),
                {"st": status, "d": detail, "i": step.id})
        if status == "failed":
            return False
    return True


def retry_provisioning(ctx: AuthContext, tenant_id: int) -> None:
    """Queue the remaining steps of a tenant again (super admin)."""
    access_area(ctx, "platform")
    from services.workers.billing import provision_tenant

    provision_tenant.send(tenant_id)


def provisioning_log(ctx: AuthContext, tenant_id: int | None = None, *, search: str = "",
                     failed_only: bool = False, page: int = 0) -> tuple[list[StepView], int]:
    """One page of tenants (newest first) with all their steps, and how many tenants match.
    `search` looks in the name and the slug; `failed_only` keeps the tenants with a failed step."""
    access_area(ctx, "platform")
    tenants = select(Tenant.id).where(select(ProvisioningStep.id).where(
        ProvisioningStep.tenant_id == Tenant.id).exists())
    if tenant_id:
        tenants = tenants.where(Tenant.id == tenant_id)
    if search.strip():
        pattern = f"%{search.strip()}%"
        tenants = tenants.where(or_(Tenant.name.ilike(pattern), Tenant.slug.ilike(pattern)))
    if failed_only:
        tenants = tenants.where(select(ProvisioningStep.id).where(
            ProvisioningStep.tenant_id == Tenant.id, ProvisioningStep.status == "failed").exists())
    with platform_session() as s:
        total = s.exec(select(func.count()).select_from(tenants.subquery())).one()
        shown = s.exec(tenants.order_by(Tenant.id.desc()).offset(page * LOG_PAGE_SIZE).limit(LOG_PAGE_SIZE)).all()
        rows = s.exec(select(ProvisioningStep, Tenant).join(Tenant, Tenant.id == ProvisioningStep.tenant_id)
                      .where(Tenant.id.in_(shown))
                      .order_by(ProvisioningStep.tenant_id.desc(), ProvisioningStep.position)).all()
    return [StepView(t.id, t.name, t.slug, p.step, STEP_LABELS[p.step], p.status, p.attempts, p.detail,
                     p.updated_at) for p, t in rows], total


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant a login page serves, from `<slug>.<platform domain>` in the Host header."""
    host = host.split(":")[0].lower().strip(".")
    suffix = "." + get_settings().platform_domain.lower()
    if not host.endswith(suffix):
        return None
    slug = host[: -len(suffix)]
    with platform_session() as s:
        return s.exec(select(Tenant).where(Tenant.slug == slug)).first()
