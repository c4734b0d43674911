"""The super admin console's view of tenants: status, plan, balance, usage; suspend/resume."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import select

from services.billing.money import format_money
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.identity.audit import record_security_event
from services.models.billing import Cart, Wallet, WalletEntry
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus

PAGE_SIZE = 20


class ConsoleError(ValueError):
    pass


@dataclass(frozen=True)
class TenantRow:
    id: int
    name: str
    slug: str
    status: str
    plan: str
    balance: str
    usage: str


def list_tenants(ctx: AuthContext, search: str = "", page: int = 0) -> tuple[list[TenantRow], int]:
    """One page of tenants matching `search` (name or slug), and the total count."""
    access_area(ctx, "platform")
    month_start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    usage = (select(WalletEntry.tenant_id, func.sum(-WalletEntry.amount).label("used"))
             .where(WalletEntry.amount < 0, WalletEntry.created_at >= month_start)
             .group_by(WalletEntry.tenant_id).subquery())
    query = (select(Tenant, Wallet, Cart, usage.c.used)
             .join(Wallet, Wallet.tenant_id == Tenant.id, isouter=True)
             .join(Cart, Cart.tenant_id == Tenant.id, isouter=True)
             .join(usage, usage.c.tenant_id == Tenant.id, isouter=True))
    if search.strip():
        pattern = f"%{search.strip()}%"
        query = query.where(or_(Tenant.name.ilike(pattern), Tenant.slug.ilike(pattern)))
    with platform_session() as s:
        total = s.exec(select(func.count()).select_from(query.subquery())).one()
        rows = s.exec(query.order_by(Tenant.id.desc()).offset(page * PAGE_SIZE)
                      .limit(PAGE_SIZE)).all()
    return [TenantRow(
        t.id, t.name, t.slug, t.status,
        f"{c.agents} agents · {', '.join(c.channels) or '—'}" if c else "—",
        format_money(w.balance if w else 0, t.currency),
        format_money(int(used or 0), t.currency)) for t, w, c, used in rows], total


def _set_status(ctx: AuthContext, tenant_id: int, frm: str, to: str) -> None:
    access_area(ctx, "platform")
    with platform_session() as s:
        tenant = s.get(Tenant, tenant_id)
        if tenant is None or tenant.status != frm:
            raise ConsoleError("Cette instance n'est pas dans un état qui permet cette action.")
        tenant.status = to
        s.add(tenant)
    record_security_event(f"tenant_{to.lower()}", user_id=ctx.user_id, tenant_id=tenant_id)


def suspend_tenant(ctx: AuthContext, tenant_id: int) -> None:
    """Sessions of a suspended tenant stop resolving; login is refused; data is kept."""
    _set_status(ctx, tenant_id, TenantStatus.ACTIVE.value, TenantStatus.SUSPENDED.value)


def resume_tenant(ctx: AuthContext, tenant_id: int) -> None:
    _set_status(ctx, tenant_id, TenantStatus.SUSPENDED.value, TenantStatus.ACTIVE.value)
