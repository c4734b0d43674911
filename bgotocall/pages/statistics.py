"""Statistics of the whole tenant (UC-CP-05): the period, the figures and charts over every
campaign, the agents, and one row per campaign leading to its own « Détails / Rapports »."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.reports import _agents, _summary
from bgotocall.pages.reports_parts import charts, period_bar, schedule_card
from bgotocall.state.reports import ReportsState as S

COLUMNS = ("name", "status", "volume", "calls", "messages", "reached", "success", "cost")


def _campaigns() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(t("stats.campaigns"), size="4"),
        rx.cond(S.campaign_table.length() > 0, rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"stats.col.{c}"))
                                           for c in COLUMNS])),
            rx.table.body(rx.foreach(S.campaign_table, lambda c: rx.table.row(
                rx.table.cell(rx.link(c.name, href=c.url)),
                *[rx.table.cell(getattr(c, k)) for k in COLUMNS[1:]],
                data_testid="stats-campaign-row"))),
            width="100%", size="1"),
            rx.text(t("stats.none"), size="2", color=rx.color("gray", 10))),
        width="100%", spacing="3"), width="100%")


def statistics_page() -> rx.Component:
    return role_shell(
        page_header("stats.title", "stats.context"),
        rx.heading(S.title, size="5", data_testid="stats-tenant"),
        period_bar(), _summary(), charts(), _campaigns(), _agents(), schedule_card())
