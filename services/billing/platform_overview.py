"""The super admin's home: tenants by status, what needs attention, top-ups and sign-ups."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from services.billing.money import format_money
from services.billing.months import previous_month
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import ProvisioningStep, Wallet, WalletEntry
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus

MONTHS = 6
MONTH_NAMES = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


@dataclass(frozen=True)
class SignupMonth:
    label: str          # "nov. 2026"
    tenants: int


@dataclass(frozen=True)
class PlatformOverview:
    tenants: dict[str, int]            # TenantStatus value -> count
    failed_provisioning: int           # tenants with a failed step
    low_balance: int                   # active tenants under their alert threshold
    topups_this_month: list[str]       # one amount per currency, "1 250 000 FCFA"
    signups: list[SignupMonth]         # the last MONTHS months, oldest first


def _month_starts(now: datetime, count: int) -> list[datetime]:
    year, month = now.year, now.month
    starts = []
    for _ in range(count):
        starts.append(now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0))
        year, month = previous_month(year, month)
    return starts[::-1]


def platform_overview(ctx: AuthContext) -> PlatformOverview:
    access_area(ctx, "platform")
    starts = _month_starts(utcnow(), MONTHS)
    with platform_session() as s:
        by_status = dict(s.execute(select(Tenant.status, func.count()).group_by(Tenant.status)).all())
        failed = s.execute(select(func.count(func.distinct(ProvisioningStep.tenant_id)))
                           .where(ProvisioningStep.status == "failed")).scalar_one()
        low = s.execute(select(func.count()).select_from(Wallet).join(Tenant, Tenant.id == Wallet.tenant_id)
                        .where(Tenant.status == TenantStatus.ACTIVE.value,
                               Wallet.balance < Wallet.low_threshold)).scalar_one()
        topups = s.execute(select(Wallet.currency, func.sum(WalletEntry.amount))
                           .join(Wallet, Wallet.tenant_id == WalletEntry.tenant_id)
                           .where(WalletEntry.kind == "topup", WalletEntry.created_at >= starts[-1])
                           .group_by(Wallet.currency).order_by(Wallet.currency)).all()
        month = func.date_trunc("month", func.timezone("UTC", Tenant.created_at))   # naive, UTC
        signups = dict(s.execute(select(month, func.count()).where(Tenant.created_at >= starts[0])
                                 .group_by(month)).all())
    return PlatformOverview(
        {status.value: by_status.get(status.value, 0) for status in TenantStatus}, failed, low,
        [format_money(int(total), currency) for currency, total in topups],
        [SignupMonth(f"{MONTH_NAMES[m.month - 1]} {m.year}", signups.get(m.replace(tzinfo=None), 0)) for m in starts])
