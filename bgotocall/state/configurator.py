"""The configurator (UC-ADM-02): channels, agents, traffic, a live summary; then payment."""
from __future__ import annotations

import dataclasses

import reflex as rx

from services.billing.cart import CartView, load_cart, save_cart
from services.billing.money import format_money
from services.billing.payments import PaymentError, start_checkout
from services.billing.vat import VatRule
from bgotocall.state.session import SessionState

CHANNELS = ("voice", "sms", "email", "whatsapp")


@dataclasses.dataclass
class SummaryLine:
    label: str
    quantity: int
    unit: str
    amount: str


class ConfiguratorState(SessionState):
    channels: list[str] = []
    agents: int = 1
    traffic: dict[str, int] = {}
    subscription: list[SummaryLine] = []
    consumption: list[SummaryLine] = []
    subscription_total: str = ""
    consumption_total: str = ""
    net: str = ""
    vat_label: str = ""
    vat: str = ""
    total: str = ""
    error: str = ""
    paying: bool = False

    def _apply(self, view: CartView) -> None:
        q, cur = view.quote, view.quote.currency

        def lines(items):
            return [SummaryLine(i.label, i.quantity, format_money(i.unit_amount, cur),
                                format_money(i.amount, cur)) for i in items]

        self.channels, self.agents, self.traffic = view.channels, view.agents, view.traffic
        self.subscription, self.consumption = lines(q.subscription), lines(q.consumption)
        self.subscription_total = format_money(q.subscription_total, cur)
        self.consumption_total = format_money(q.consumption_total, cur)
        self.net, self.vat, self.total = (format_money(q.net, cur), format_money(q.vat, cur),
                                          format_money(q.total, cur))
        self.vat_label = VatRule(q.vat_rate_bp, q.reverse_charge).label

    def _save(self, channels, agents, traffic):
        ctx = self._authorize("billing", "save_cart")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self._apply(save_cart(ctx, channels, agents, traffic))
        return None

    @rx.event
    def load(self):
        ctx = self._authorize("billing", "load_cart")
        self.error, self.paying = "", False
        if ctx is not None:
            self._apply(load_cart(ctx))

    @rx.event
    def toggle_channel(self, channel: str, checked: bool):
        chosen = [c for c in CHANNELS if (c == channel and checked)
                  or (c != channel and c in self.channels)]
        return self._save(chosen, self.agents, self.traffic)

    @rx.event
    def slide_agents(self, value: list[int | float]):
        self.agents = int(value[0])

    @rx.event
    def commit_agents(self, value: list[int | float]):
        return self._save(self.channels, int(value[0]), self.traffic)

    @rx.event
    def set_traffic(self, channel: str, value: str):
        digits = "".join(c for c in str(value) if c.isdigit())
        return self._save(self.channels, self.agents,
                          {**self.traffic, channel: int(digits or 0)})

    @rx.event
    def pay(self):
        ctx = self._authorize("billing", "start_checkout")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            url = start_checkout(ctx, "onboarding")
        except PaymentError as exc:
            self.error = str(exc)
            return rx.toast.error(str(exc))
        self.paying = True
        return rx.redirect(url)
