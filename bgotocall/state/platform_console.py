"""The super admin console: price list, provisioning log, platform switches."""
from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from services.billing.seller import save_seller, seller_details, seller_missing
from services.billing.money import CURRENCIES
from services.billing.platform_overview import platform_overview
from services.billing.destinations import destination_prices, remove_destination_price, set_destination_price
from services.billing.prices import ITEMS, PriceError, price_grid, save_price_list
from services.onboarding.options import platform_switches, set_platform_switch
from services.onboarding.provisioning import LOG_PAGE_SIZE, provisioning_log, retry_provisioning
from bgotocall.state.paging import SearchPagesMixin
from bgotocall.state.session import SessionState


@dataclasses.dataclass
class StepLine:
    tenant_id: int
    tenant: str
    slug: str
    label: str
    status: str
    attempts: int
    detail: str
    updated: str


@dataclasses.dataclass
class DestinationLine:
    currency: str
    item: str
    label: str
    amount: str


class PricesState(SessionState):
    grid: dict[str, dict[str, str]] = {c: {i: "" for i in ITEMS} for c in CURRENCIES}
    errors: dict[str, dict[str, str]] = {c: {} for c in CURRENCIES}
    destinations: list[DestinationLine] = []
    destination_errors: dict[str, str] = {}

    @rx.event
    def load(self):
        ctx = self._authorize("platform", "load_prices")
        if ctx is not None:
            self.grid, self.errors = price_grid(ctx), {c: {} for c in CURRENCIES}
            self._load_destinations(ctx)

    def _load_destinations(self, ctx) -> None:
        self.destinations = [DestinationLine(c, p.item, p.label, p.amount)
                             for c in CURRENCIES for p in destination_prices(ctx, c)]

    @rx.event
    def save_destination(self, form: dict):
        ctx = self._authorize("platform", "save_destination_price")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        kind = form.get("kind", "all")
        self.destination_errors = set_destination_price(
            ctx, form.get("currency", ""), form.get("country", ""), "" if kind == "all" else kind,
            form.get("amount", ""))
        if self.destination_errors:
            return rx.toast.error("Vérifiez le tarif par destination.")
        self._load_destinations(ctx)
        return rx.toast.success("Tarif par destination enregistré.")

    @rx.event
    def remove_destination(self, currency: str, item: str):
        ctx = self._authorize("platform", "remove_destination_price")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        remove_destination_price(ctx, currency, item)
        self._load_destinations(ctx)
        return rx.toast.success("Tarif par destination retiré.")

    @rx.event
    def save(self, currency: str, form: dict):
        ctx = self._authorize("platform", "save_prices")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            errors = save_price_list(ctx, currency, form)
        except PriceError as exc:
            return rx.toast.error(str(exc))
        self.errors = {**self.errors, currency: errors}
        if errors:
            return rx.toast.error("Vérifiez les prix signalés.")
        self.grid = price_grid(ctx)
        return rx.toast.success(f"Grille tarifaire {currency} enregistrée.")


class ProvisioningState(SearchPagesMixin, SessionState):
    _page_size: ClassVar[int] = LOG_PAGE_SIZE
    steps: list[StepLine] = []
    failed_only: bool = False

    @rx.event
    def load(self):
        ctx = self._authorize("platform", "load_provisioning_log")
        if ctx is None:
            return
        views, self.total = provisioning_log(ctx, search=self.search, failed_only=self.failed_only,
                                             page=self.page)
        self.steps = [StepLine(v.tenant_id, v.tenant_name, v.tenant_slug, v.label, v.status,
                               v.attempts, v.detail, v.updated_at.strftime("%d/%m/%Y %H:%M"))
                      for v in views]

    @rx.event
    def open_log(self):
        """The page's entry: `?echecs=1` (from the platform home) shows the failed ones only."""
        self.search, self.page = "", 0
        self.failed_only = self.router.url.query_parameters.get("echecs") == "1"
        self.load()

    @rx.event
    def set_failed_only(self, value: bool):
        self.failed_only, self.page = bool(value), 0
        self.load()

    @rx.event
    def retry(self, tenant_id: int):
        ctx = self._authorize("platform", "retry_provisioning")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        retry_provisioning(ctx, tenant_id)
        return rx.toast.info("Provisionnement relancé : les étapes restantes sont en cours.")


class PlatformHomeState(SessionState):
    tenants: dict[str, int] = {}
    failed_provisioning: int = 0
    low_balance: int = 0
    topups: list[str] = []
    signups: list[dict[str, str | int]] = []   # the chart's rows

    @rx.event
    def load(self):
        ctx = self._authorize("platform", "platform_overview")
        if ctx is None:
            return
        view = platform_overview(ctx)
        self.tenants, self.failed_provisioning, self.low_balance = view.tenants, view.failed_provisioning, view.low_balance
        self.topups = view.topups_this_month
        self.signups = [{"label": m.label, "tenants": m.tenants} for m in view.signups]


class PlatformOptionsState(SessionState):
    switches: dict[str, bool] = {}

    @rx.event
    def load(self):
        ctx = self._authorize("platform", "load_platform_options")
        if ctx is not None:
            self.switches = platform_switches(ctx)

    @rx.event
    def toggle(self, key: str, on: bool):
        ctx = self._authorize("platform", "set_platform_option")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        set_platform_switch(ctx, key, on)
        self.switches = platform_switches(ctx)
        return rx.toast.success("Paramètre plateforme enregistré.")


class SellerState(SessionState):
    """The seller's legal mentions printed on every invoice."""
    seller: dict[str, str] = {}
    missing: str = ""
    errors: dict[str, str] = {}

    @rx.event
    def load(self):
        ctx = self._authorize("platform", "load_seller")
        if ctx is not None:
            self.seller, self.missing = seller_details(), ", ".join(seller_missing())

    @rx.event
    def save(self, form: dict):
        ctx = self._authorize("platform", "save_seller")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self.errors = save_seller(ctx, {k: str(v) for k, v in form.items()})
        if self.errors:
            return rx.toast.error("Vérifiez les champs signalés.")
        self.load()
        return rx.toast.success("Mentions légales enregistrées : elles figurent sur les prochaines factures.")
