"""The Smart Wallet in the top bar (admin, supervisor) and the low-balance banner."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.dashboard import WalletBarState as W


def wallet_chip() -> rx.Component:
    chip = rx.badge(rx.icon("wallet", size=14), W.wallet_balance, size="2", variant="soft",
                    color_scheme=rx.cond(W.wallet_empty, "red",
                                         rx.cond(W.wallet_low, "orange", "indigo")),
                    data_testid="topbar-wallet")
    link = rx.link(chip, href="/facturation", underline="none",
                   title=t("wallet.title"))
    return rx.box(rx.cond(W.wallet_shown, link), on_mount=W.load_wallet)


def wallet_banner() -> rx.Component:
    return rx.cond(
        W.wallet_shown & W.wallet_empty,
        rx.callout(t("wallet.empty"), icon="circle-alert", color_scheme="red", width="100%",
                   data_testid="wallet-banner"),
        rx.cond(W.wallet_shown & W.wallet_low,
                rx.callout(t("wallet.low"), icon="triangle-alert", color_scheme="orange",
                           width="100%", data_testid="wallet-banner")))
