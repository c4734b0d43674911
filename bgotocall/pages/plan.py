"""Facturation's « Abonnement » card: more (or fewer) agent licences and channels, with a
confirmation dialog stating the prorated amount, paid from the Smart Wallet or by card."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import submit_button
from bgotocall.i18n import t
from bgotocall.state.plan import PlanState as P
from services.billing.prices import CHANNEL_UNITS
from services.billing.subscription import CHANNEL_LABELS


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("plan.confirm.title")),
        rx.alert_dialog.description(P.summary, data_testid="plan-summary"),
        rx.cond(P.payable, rx.text(P.amount, " HT", size="6", weight="bold", margin_top="0.5rem",
                                   data_testid="plan-amount")),
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(t("set.cancel"), variant="soft", color_scheme="gray")),
            rx.cond(P.payable, rx.fragment(
                rx.button(rx.icon("credit-card", size=14), t("plan.pay_card"), variant="soft",
                          on_click=P.pay_by_card, data_testid="plan-pay-card"),
                rx.button(rx.icon("wallet", size=14), t("plan.pay_wallet"), on_click=P.pay_from_wallet,
                          data_testid="plan-pay-wallet")),
                rx.button(t("plan.confirm"), on_click=P.pay_from_wallet, data_testid="plan-confirm")),
            spacing="3", justify="end", margin_top="1rem")),
        open=P.confirming, on_open_change=P.close)


def plan_card() -> rx.Component:
    channels = rx.hstack(*[rx.el.label(rx.hstack(
        rx.checkbox(name=f"plan_channel_{c}", default_checked=P.channels.contains(c),
                    key=P.channels.to_string() + c, data_testid=f"plan-channel-{c}"),
        rx.text(CHANNEL_LABELS[c], size="2"), spacing="1", align="center")) for c in CHANNEL_UNITS],
        spacing="4", wrap="wrap")
    return rx.card(rx.form(rx.vstack(
        rx.hstack(rx.icon("users", color=rx.color("indigo", 9)), rx.heading(t("plan.title"), size="4"),
                  align="center", id="abonnement"),
        rx.text(t("plan.help"), size="2", color=rx.color("gray", 11)),
        rx.hstack(
            rx.vstack(rx.text(t("plan.agents"), as_="label", html_for="plan_agents", size="2", weight="medium"),
                      rx.input(id="plan_agents", name="plan_agents", inputmode="numeric",  # the server says what is wrong
                               default_value=P.agents.to_string(), key=P.agents.to_string(), width="120px"),
                      rx.text(P.in_use, " ", t("plan.in_use"), " · ", t("plan.seat_price"), " : ",
                              P.seat_price, size="1", color=rx.color("gray", 10),
                              data_testid="plan-usage"),
                      spacing="1"),
            rx.vstack(rx.text(t("plan.channels"), size="2", weight="medium"), channels, spacing="2"),
            spacing="6", align="start", wrap="wrap"),
        rx.cond(P.scheduled != "", rx.callout(P.scheduled, icon="calendar-clock", data_testid="plan-scheduled")),
        rx.cond(P.error != "", rx.text(P.error, color=rx.color("red", 11), size="2", data_testid="plan-error")),
        submit_button(t("plan.review"), data_testid="plan-review"),
        spacing="3", width="100%"), on_submit=P.review, reset_on_submit=False),
        _confirm_dialog(), width="100%", data_testid="plan-card")
