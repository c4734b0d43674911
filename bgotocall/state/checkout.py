"""Return pages of the payment: wait for the verified webhook's effect, show the receipt."""
from __future__ import annotations

import asyncio

import reflex as rx

from services.billing.payments import PaymentError, payment_progress, start_checkout
from bgotocall.state.session import SessionState

WATCH_SECONDS = 90


class CheckoutState(SessionState):
    payment_id: int = 0
    purpose: str = ""
    status: str = ""
    failure_message: str = ""
    total: str = ""
    balance: str = ""
    tenant_status: str = ""
    found: bool = True
    cancelled: bool = False     # back from the gateway's cancel link, not from its success link

    def _refresh(self) -> bool:
        """Update from the server's records; True when there is nothing more to wait for."""
        ctx = self._authorize("billing", "payment_progress")
        if ctx is None:
            return True
        params = self.router.url.query_parameters
        paid = str(params.get("paiement", ""))
        self.cancelled = bool(paid) and not params.get("session_id")
        view = payment_progress(ctx, checkout_id=str(params.get("session_id", "")),
                                payment_id=int(paid) if paid.isdigit() else 0)
        self.found = view is not None
        if view is None:
            return True
        self.payment_id, self.purpose, self.status = view.id, view.purpose, view.status
        self.failure_message, self.total = view.failure_message, view.total
        self.balance, self.tenant_status = view.balance, view.tenant_status
        return view.status == "failed" or (view.status == "succeeded"
                                          and view.tenant_status == "ACTIVE")

    @rx.event(background=True)
    async def watch(self):
        async with self:
            self.status, self.failure_message, self.payment_id = "", "", 0
        for _ in range(WATCH_SECONDS * 2):
            async with self:
                if self._refresh():
                    return
            await asyncio.sleep(0.5)  # the webhook arrives on its own time; poll our records

    @rx.event
    def retry(self):
        ctx = self._authorize("billing", "start_checkout")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        if self.purpose in ("topup", "licences"):      # both are started again from Facturation
            return rx.redirect("/facturation")
        try:
            url = start_checkout(ctx, "onboarding")
        except PaymentError as exc:
            return rx.toast.error(str(exc))
        return rx.redirect(url)
