"""The admin's home: Smart Wallet, this month's usage by channel, latest invoices."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.components.stats import stat_card
from bgotocall.i18n import t
from bgotocall.state.dashboard import DashboardState as D
from bgotocall.state.supervision import SupervisionState as S


def _pending_call_to_action() -> rx.Component:
    return rx.callout.root(
        rx.hstack(
            rx.callout.icon(rx.icon("credit-card")),
            rx.vstack(rx.text(t("dash.pending_title"), weight="bold"),
                      rx.callout.text(t("dash.pending_text")), spacing="1"),
            rx.spacer(),
            rx.link(rx.button(t("dash.pending_action"), size="3",
                              data_testid="finish-order"), href="/configurateur"),
            align="center", width="100%"),
        color_scheme="indigo", size="2", width="100%", data_testid="pending-payment")


def _wallet_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("wallet", color=rx.color("indigo", 9)),
                  rx.text(t("dash.wallet"), weight="medium"), align="center"),
        rx.text(D.balance, size="8", weight="bold", data_testid="dashboard-balance"),
        rx.link(rx.button(rx.icon("plus", size=14), t("dash.topup"), variant="soft"),
                href="/facturation"),
        spacing="3"), width="100%")


def _usage_card() -> rx.Component:
    chart = rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key="label"),
        rx.recharts.y_axis(),
        rx.recharts.graphing_tooltip(),
        rx.recharts.bar(data_key="amount", name="Montant", fill="#3e63dd", max_bar_size=64,
                        is_animation_active=False),
        data=D.usage, width="100%", height=240)
    legend = rx.foreach(D.usage, lambda u: rx.hstack(
        rx.text(u["label"], size="2"), rx.spacer(),
        rx.text(u["quantity"], size="2", color=rx.color("gray", 11)),
        rx.text(u["amount_display"], size="2", weight="medium"), width="100%", spacing="3"))
    return rx.card(rx.vstack(
        rx.text(t("dash.usage"), weight="medium"),
        rx.cond(D.usage.length() > 0,
                rx.vstack(chart, legend, width="100%", data_testid="usage-chart"),
                rx.text(t("dash.no_usage"), color=rx.color("gray", 11), size="2")),
        spacing="3", width="100%"), width="100%")


def _invoices_card() -> rx.Component:
    rows = rx.foreach(D.invoices, lambda i: rx.table.row(
        rx.table.cell(i.number), rx.table.cell(i.issued_on), rx.table.cell(i.total),
        rx.table.cell(rx.link(rx.icon("download", size=16),
                              href=f"/api/billing/invoices/{i.id}.pdf", is_external=True))))
    return rx.card(rx.vstack(
        rx.hstack(rx.text(t("dash.invoices"), weight="medium"), rx.spacer(),
                  rx.link(t("dash.all_invoices"), href="/documents", size="2"), width="100%"),
        rx.cond(D.invoices.length() > 0,
                rx.table.root(rx.table.body(rows), width="100%", data_testid="latest-invoices"),
                rx.text(t("dash.no_invoices"), color=rx.color("gray", 11), size="2")),
        spacing="3", width="100%"), width="100%")


def _team_row() -> rx.Component:
    """The contact centre at a glance; the figures of agents and campaigns follow live."""
    return rx.grid(
        stat_card("id-card", "dash.licences", D.licences_used.to_string() + " / " + D.licences.to_string(),
                  "dash-licences", "/agents"),
        stat_card("headset", "dash.ready_agents", S.ready_now, "dash-ready", "/supervision/agents"),
        stat_card("megaphone", "dash.live_campaigns", S.campaigns.length(), "dash-live-campaigns", "/supervision"),
        columns="3", spacing="4", width="100%")


def dashboard_page() -> rx.Component:
    return role_shell(
        page_header("nav.dashboard", "dashboard.context"),
        rx.cond(D.pending_payment, _pending_call_to_action()),
        _team_row(),
        rx.grid(_wallet_card(), _invoices_card(), columns="2", spacing="4", width="100%"),
        _usage_card())
