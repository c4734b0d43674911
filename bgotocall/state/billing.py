"""Facturation and Documents pages of the tenant admin; the tenants list of the super admin."""
from __future__ import annotations

from typing import ClassVar

import reflex as rx

from services.billing.console import (
    PAGE_SIZE, ConsoleError, TenantRow, list_tenants, resume_tenant, suspend_tenant,
)
from services.billing.history import PAGE_SIZE as MOVEMENTS_PAGE, Movement, wallet_movements
from services.billing.invoices import InvoiceView, list_invoices
from services.billing.money import format_money, minor_to_text, to_minor
from services.billing.payments import PaymentError, start_checkout
from services.billing.profile import billing_profile, save_billing_profile
from services.billing.wallet import WalletError, set_low_threshold, wallet_status
from bgotocall.live import receives
from bgotocall.state.paging import PagesMixin, SearchPagesMixin
from bgotocall.state.session import SessionState


@receives("wallet")
class BillingState(PagesMixin, SessionState):
    """The Facturation page; its pages are those of the wallet's movements."""
    _page_size: ClassVar[int] = MOVEMENTS_PAGE
    balance: str = ""
    currency: str = ""
    is_low: bool = False
    is_empty: bool = False
    invoices: list[InvoiceView] = []
    profile: dict[str, str] = {}
    profile_missing: bool = False
    errors: dict[str, str] = {}
    threshold: str = ""
    movements: list[Movement] = []

    @rx.event
    def load(self):
        ctx = self._authorize("billing", "load_billing")
        if ctx is None:
            return None
        wallet = wallet_status(ctx)
        if wallet:
            self.balance, self.currency = wallet.display, wallet.currency
            self.is_low, self.is_empty = wallet.is_low, wallet.is_empty
            self.threshold = minor_to_text(wallet.low_threshold, wallet.currency)
        self.movements, self.total = wallet_movements(ctx, self.page)
        self.invoices = list_invoices(ctx)
        p = billing_profile(ctx)
        self.profile = {"legal_name": p.legal_name, "address": p.address, "city": p.city,
                        "vat_number": p.vat_number}
        self.profile_missing, self.errors = p.missing, {}
        return None

    def _on_live(self, event) -> None:
        if self.currency:            # only a tab that has shown the billing page follows the balance
            self.load()

    @rx.event
    def save_threshold(self, form: dict):
        ctx = self._authorize("billing", "set_low_threshold")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            wallet = set_low_threshold(ctx, to_minor(str(form.get("threshold", "")), self.currency))
        except (WalletError, ValueError) as exc:
            self.errors = {"threshold": str(exc)}
            return None
        self.errors, self.is_low = {}, wallet.is_low
        self.threshold = minor_to_text(wallet.low_threshold, wallet.currency)
        if not wallet.low_threshold:
            return rx.toast.success("Alerte de solde bas désactivée.")
        return rx.toast.success(f"Vous serez prévenu quand le solde passera sous "
                                f"{format_money(wallet.low_threshold, wallet.currency)}.")

    @rx.event
    def save_profile(self, form: dict):
        ctx = self._authorize("billing", "save_billing_profile")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self.errors = save_billing_profile(ctx, *(str(form.get(k, "")) for k in (
            "legal_name", "address", "city", "vat_number")))
        if self.errors:
            return rx.toast.error("Vérifiez les champs signalés.")
        self.load()
        return rx.toast.success("Coordonnées fiscales enregistrées.")

    @rx.event
    def top_up(self, form: dict):
        ctx = self._authorize("billing", "start_checkout")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            url = start_checkout(ctx, "topup", to_minor(str(form.get("amount", "")), self.currency))
        except (PaymentError, ValueError) as exc:
            self.errors = {"amount": str(exc)}
            return rx.toast.error(str(exc))
        return rx.redirect(url)


class TenantsConsoleState(SearchPagesMixin, SessionState):
    _page_size: ClassVar[int] = PAGE_SIZE
    rows: list[TenantRow] = []

    @rx.event
    def load(self):
        ctx = self._authorize("platform", "list_tenants")
        if ctx is None:
            return
        rows, self.total = list_tenants(ctx, self.search, self.page)
        self.rows = rows

    @rx.event
    def change_status(self, tenant_id: int, suspend: bool):
        ctx = self._authorize("platform", "suspend_tenant" if suspend else "resume_tenant")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            (suspend_tenant if suspend else resume_tenant)(ctx, tenant_id)
        except ConsoleError as exc:
            return rx.toast.error(str(exc))
        self.load()
        return rx.toast.success("Instance suspendue." if suspend else "Instance réactivée.")
