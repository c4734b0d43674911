"""The admin's home, and the Smart Wallet balance of the top bar (admin, supervisor)."""
from __future__ import annotations


import reflex as rx

from services.billing.dashboard import admin_overview
from services.billing.wallet import wallet_status
from services.voice.licences import licence_usage
from services.identity.access import can_access
from bgotocall.live import receives
from services.billing.invoices import InvoiceView
from bgotocall.state.session import SessionState


@receives("wallet")
class DashboardState(SessionState):
    pending_payment: bool = False
    balance: str = ""
    usage: list[dict[str, str | int]] = []  # the chart's rows
    invoices: list[InvoiceView] = []
    licences_used: int = 0
    licences: int = 0

    @rx.event
    def load(self):
        ctx = self._authorize("billing", "load_dashboard")
        if ctx is None:
            return
        view = admin_overview(ctx)
        self.pending_payment = view.pending_payment
        self.balance = view.wallet.display if view.wallet else ""
        self.usage = [{"label": u.label, "quantity": u.quantity, "amount": u.amount,
                       "amount_display": u.amount_display} for u in view.usage]
        self.invoices = list(view.invoices)
        self.licences_used, self.licences = licence_usage(ctx.tenant_id)

    def _on_live(self, event) -> None:
        if self.balance:             # only a tab that has shown the dashboard follows the balance
            self.load()


@receives("wallet")
class WalletBarState(SessionState):
    """Loaded by the top bar when a page opens; shown only to roles that see the wallet."""

    wallet_shown: bool = False
    wallet_balance: str = ""
    wallet_low: bool = False
    wallet_empty: bool = False

    @rx.event
    def load_wallet(self):
        ctx = self._context()
        wallet = wallet_status(ctx) if can_access(ctx, "supervision") else None
        self.wallet_shown = wallet is not None
        if wallet is not None:
            self.wallet_balance = wallet.display
            self.wallet_low, self.wallet_empty = wallet.is_low, wallet.is_empty

    def _on_live(self, event) -> None:
        if self.wallet_shown:        # a credit or a debit: the top bar shows the new balance at once
            self.load_wallet()
