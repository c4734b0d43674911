"""The Smart Wallet's movements, newest first, a page at a time (the Facturation page)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from services.billing.dashboard import CHANNEL_LABELS
from services.billing.money import format_money
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import Wallet, WalletEntry

PAGE_SIZE = 15
LABELS = {**CHANNEL_LABELS, "topup": "Recharge", "seat": "Sièges agent",
          "seat_prorata": "Licences supplémentaires (prorata)"}


@dataclass(frozen=True)
class Movement:
    date: str
    label: str
    quantity: int
    amount: str           # "+50 000 FCFA", "-2 500 FCFA"
    credit: bool
    balance_after: str


def wallet_movements(ctx: AuthContext, page: int = 0) -> tuple[list[Movement], int]:
    """One page of the ledger and the number of movements."""
    access_area(ctx, "billing")
    with platform_session() as s:
        wallet = s.get(Wallet, ctx.tenant_id)
        if wallet is None:
            return [], 0
        total = s.execute(select(func.count()).select_from(WalletEntry)
                          .where(WalletEntry.tenant_id == ctx.tenant_id)).scalar_one()
        entries = s.execute(select(WalletEntry).where(WalletEntry.tenant_id == ctx.tenant_id)
                            .order_by(WalletEntry.id.desc()).offset(page * PAGE_SIZE).limit(PAGE_SIZE)).scalars().all()
        currency = wallet.currency
    return [Movement(f"{e.created_at:%d/%m/%Y %H:%M}", e.description or LABELS.get(e.kind, e.kind), e.quantity,
                     ("+" if e.amount > 0 else "") + format_money(e.amount, currency), e.amount > 0,
                     format_money(e.balance_after, currency)) for e in entries], total
