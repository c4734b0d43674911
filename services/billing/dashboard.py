"""The admin's home (/tableau-de-bord): balance, this month's usage by channel, invoices."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from services.billing.invoices import InvoiceView, list_invoices
from services.billing.money import format_money
from services.billing.prices import ITEM_LABELS
from services.billing.wallet import WalletView, wallet_of
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import WalletEntry
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus

CHANNEL_LABELS = {"voice_minute": "Voix", "sms": "SMS", "email": "Email",
                  "whatsapp": "WhatsApp", "seat": "Sièges"}
LATEST_INVOICES = 5


@dataclass(frozen=True)
class UsageBar:
    kind: str
    label: str
    quantity: int
    amount: int  # minor units, for the chart
    amount_display: str


@dataclass(frozen=True)
class AdminOverview:
    pending_payment: bool
    wallet: WalletView | None
    usage: list[UsageBar]
    invoices: list[InvoiceView]


def month_usage(tenant_id: int, currency: str) -> list[UsageBar]:
    """Debits of the current calendar month (UTC), grouped by what was consumed."""
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    with platform_session() as s:
        rows = s.exec(select(WalletEntry.kind, func.sum(WalletEntry.quantity),
                             func.sum(-WalletEntry.amount))
                      .where(WalletEntry.tenant_id == tenant_id, WalletEntry.amount < 0,
                             WalletEntry.created_at >= start)
                      .group_by(WalletEntry.kind).order_by(WalletEntry.kind)).all()
    return [UsageBar(kind, CHANNEL_LABELS.get(kind, ITEM_LABELS.get(kind, kind)), int(qty or 0),
                     int(amount), format_money(int(amount), currency))
            for kind, qty, amount in rows]


def admin_overview(ctx: AuthContext) -> AdminOverview:
    access_area(ctx, "billing")
    with platform_session() as s:
        tenant = s.get(Tenant, ctx.tenant_id)
    wallet = wallet_of(ctx.tenant_id)
    return AdminOverview(
        pending_payment=tenant.status == TenantStatus.PENDING_PAYMENT.value,
        wallet=wallet,
        usage=month_usage(ctx.tenant_id, wallet.currency if wallet else tenant.currency),
        invoices=list_invoices(ctx)[:LATEST_INVOICES])
