"""Facturation: changing the subscription (agent licences, channels), with a confirmation of the
prorated amount, paid from the Smart Wallet or by card."""
from __future__ import annotations

import reflex as rx

from bgotocall.state.session import SessionState
from services.billing.payments import PaymentError
from services.billing.prices import CHANNEL_UNITS
from services.billing.subscription import (
    PlanError, change_plan_from_wallet, current_plan, price_change, start_plan_checkout,
)
from services.billing.wallet import InsufficientBalance

_DENIED = "Action non autorisée."


class PlanState(SessionState):
    agents: int = 0
    in_use: int = 0
    channels: list[str] = []
    seat_price: str = ""
    scheduled: str = ""
    error: str = ""
    confirming: bool = False
    summary: str = ""
    amount: str = ""
    payable: bool = False
    _wanted_agents: int = 0
    _wanted_channels: list[str] = []

    @rx.event
    def load(self):
        ctx = self._authorize("billing", "load_plan")
        if ctx is None:
            return
        plan = current_plan(ctx)
        self.agents, self.in_use, self.channels = plan.agents, plan.in_use, plan.channels
        self.seat_price, self.scheduled, self.error = plan.seat_price, plan.scheduled, ""

    def _read(self, form: dict) -> tuple[int, list[str]]:
        text = str(form.get("plan_agents", "")).strip()
        if not text.isdigit():
            raise PlanError("Indiquez un nombre entier de licences agent.")
        return int(text), [c for c in CHANNEL_UNITS if form.get(f"plan_channel_{c}")]

    @rx.event
    def review(self, form: dict):
        """Validate and open the confirmation with the amount; nothing changes yet."""
        ctx = self._authorize("billing", "price_plan_change")
        if ctx is None:
            return rx.toast.error(_DENIED)
        try:
            agents, channels = self._read(form)
            change = price_change(ctx, agents, channels)
        except PlanError as error:
            self.error = str(error)
            return None
        self._wanted_agents, self._wanted_channels, self.error = agents, channels, ""
        self.summary, self.amount = change.summary, change.amount_display
        self.payable, self.confirming = change.amount > 0, True
        return None

    @rx.event
    def close(self, opened: bool = False):
        self.confirming = opened

    @rx.event
    def pay_from_wallet(self):
        ctx = self._authorize("billing", "change_plan_from_wallet")
        if ctx is None or not self._wanted_agents:
            return rx.toast.error(_DENIED)
        try:
            change_plan_from_wallet(ctx, self._wanted_agents, self._wanted_channels)
        except (PlanError, InsufficientBalance) as error:
            self.confirming, self.error = False, str(error)
            return rx.toast.error(str(error))
        self.confirming = False
        self.load()
        return rx.toast.success("Abonnement modifié : c'est effectif dès maintenant.")

    @rx.event
    def pay_by_card(self):
        ctx = self._authorize("billing", "start_plan_checkout")
        if ctx is None or not self._wanted_agents:
            return rx.toast.error(_DENIED)
        try:
            url = start_plan_checkout(ctx, self._wanted_agents, self._wanted_channels)
        except (PlanError, PaymentError) as error:
            self.confirming, self.error = False, str(error)
            return rx.toast.error(str(error))
        return rx.redirect(url)
