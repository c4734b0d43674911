"""Campaign data (UC-CP-06, « Détails / Rapports »): A. summary and charts, per-agent table,
B. interaction journal, C. qualifications and comments, and the export dialog."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.components.stats import stat_card
from bgotocall.i18n import t
from bgotocall.pages.reports_parts import (
    charts, export_dialog, period_bar, recycle_card, schedule_card,
)
from bgotocall.state.reports import ALL, ReportsState
from bgotocall.state.reports_export import ReportExportState
from services.reporting.journal import CHANNEL_LABELS, JOURNAL_KEYS, STATUS_LABELS

FIGURES = (("volume", "layers"), ("calls", "phone"), ("messages", "message-square"),
           ("progress", "gauge"), ("remaining", "list-todo"), ("attempted", "phone-outgoing"),
           ("reached", "phone-incoming"), ("success", "trophy"), ("dmt", "timer"),
           ("talk", "clock"), ("wait", "hourglass"), ("sla", "circle-check"),
           ("abandon", "phone-missed"), ("cost", "wallet"))
SORTABLE = ("date", "canal", "agent", "statut", "qualification", "duree")
S = ReportsState


def _summary() -> rx.Component:
    return rx.vstack(
        rx.heading(t("reports.a"), size="4"),
        rx.grid(*[stat_card(icon, f"reports.fig.{key}", S.summary[key], f"fig-{key}")
                  for key, icon in FIGURES], columns="4", spacing="3", width="100%"),
        width="100%", spacing="3")


def _agents() -> rx.Component:
    cols = ("name", "calls", "talked", "talk", "dmt", "success")
    return rx.card(rx.vstack(
        rx.heading(t("reports.agents"), size="3"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"reports.agents.{c}"))
                                           for c in cols])),
            rx.table.body(rx.foreach(S.agents, lambda a: rx.table.row(
                *[rx.table.cell(getattr(a, c)) for c in cols], data_testid="agent-row"))),
            width="100%", size="1"),
        width="100%"), width="100%")


def _select(name: str, value, all_key: str, options) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="170px", data_testid=f"filter-{name}"),
        rx.select.content(rx.select.item(t(all_key), value=ALL), *options),
        value=value, on_change=lambda v: S.set_filter(f"f_{name}", v))


def _journal_filters() -> rx.Component:
    return rx.hstack(
        rx.input(type="date", value=S.f_from, on_change=lambda v: S.set_filter("f_from", v),
                 data_testid="filter-from"),
        rx.input(type="date", value=S.f_to, on_change=lambda v: S.set_filter("f_to", v),
                 data_testid="filter-to"),
        _select("agent", S.f_agent, "reports.filter.agent",
                [rx.foreach(S.agent_options, lambda a: rx.select.item(a[1], value=a[0]))]),
        _select("code", S.f_code, "reports.filter.code",
                [rx.foreach(S.code_options, lambda c: rx.select.item(c, value=c))]),
        _select("channel", S.f_channel, "reports.filter.channel",
                [rx.select.item(label, value=key) for key, label in CHANNEL_LABELS.items()]),
        _select("status", S.f_status, "reports.filter.status",
                [rx.select.item(label, value=key) for key, label in STATUS_LABELS.items()]),
        wrap="wrap", spacing="2", width="100%")


def _header_cell(key: str) -> rx.Component:
    label = rx.text(t(f"reports.col.{key}"), size="2", weight="medium")
    if key not in SORTABLE:
        return rx.table.column_header_cell(label)
    arrow = rx.cond(S.sort == key, rx.cond(S.descending, rx.icon("arrow-down", size=12),
                                           rx.icon("arrow-up", size=12)), rx.fragment())
    return rx.table.column_header_cell(rx.hstack(label, arrow, spacing="1", align="center",
                                                 cursor="pointer", on_click=S.sort_by(key),
                                                 data_testid=f"sort-{key}"))


def _recording(row) -> rx.Component:
    """The call's recording, played from the route that checks role and tenant on every request."""
    return rx.cond(row["enregistrement"] != "", rx.el.audio(
        src="/api/enregistrements/" + row["id"], controls=True, preload="none",
        custom_attrs={"data-testid": "journal-recording"}, style={"height": "2rem", "max_width": "16rem"}))


def _journal() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(t("reports.b"), size="4"), rx.spacer(),
                  rx.text(S.total, " ", t("reports.rows"), size="2", data_testid="journal-total"),
                  width="100%", align="center"),
        _journal_filters(),
        rx.table.root(
            rx.table.header(rx.table.row(*[_header_cell(k) for k in JOURNAL_KEYS])),
            rx.table.body(rx.foreach(S.rows, lambda r: rx.table.row(
                *[rx.table.cell(_recording(r) if k == "enregistrement" else r[k]) for k in JOURNAL_KEYS],
                data_testid="journal-row"))),
            width="100%", size="1", data_testid="journal"),
        rx.hstack(
            rx.button(t("reports.previous"), variant="soft", size="1", on_click=S.go_page(-1),
                      disabled=S.page <= 1),
            rx.text(t("reports.page"), " ", S.page, " / ", S.pages, size="2"),
            rx.button(t("reports.next"), variant="soft", size="1", on_click=S.go_page(1),
                      disabled=S.page >= S.pages, data_testid="journal-next"),
            justify="end", width="100%", align="center"),
        width="100%", spacing="3"), width="100%")


def _qualifications() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(t("reports.c"), size="4"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"reports.codes.{c}"))
                                           for c in ("code", "count", "share")])),
            rx.table.body(rx.foreach(S.codes, lambda c: rx.table.row(
                rx.table.cell(rx.badge(c["code"])), rx.table.cell(c["nombre"]),
                rx.table.cell(c["part"]), data_testid="code-row"))),
            width="100%", size="1"),
        rx.heading(t("reports.comments"), size="3"),
        rx.cond(S.comments.length() > 0, rx.vstack(rx.foreach(S.comments, lambda c: rx.hstack(
            rx.badge(rx.cond(c.code != "", c.code, "—")), rx.text(c.text, size="2"), rx.spacer(),
            rx.text(c.agent, " · ", c.at, " · #", c.interaction_id, size="1",
                    color=rx.color("gray", 10)),
            width="100%", data_testid="comment")), width="100%"),
            rx.text(t("reports.comments.none"), size="2", color=rx.color("gray", 10))),
        width="100%", spacing="3"), width="100%")


def _actions() -> rx.Component:
    return rx.hstack(
        rx.link(rx.button(rx.icon("arrow-left", size=16), t("reports.back"), variant="soft"),
                href="/campagnes"),
        rx.link(rx.button(rx.icon("file-text", size=16), t("reports.synthesis"), variant="soft"),
                href=S.synthesis_url, is_external=True, data_testid="synthesis-pdf"),
        rx.button(rx.icon("download", size=16), t("reports.export"),
                  on_click=ReportExportState.open_export, data_testid="open-export"),
        spacing="2")


def reports_page() -> rx.Component:
    return role_shell(
        page_header("reports.title", "reports.context", _actions()),
        rx.heading(S.title, size="5", data_testid="report-campaign"),
        period_bar(), _summary(), charts(), _agents(), _journal(), _qualifications(),
        recycle_card(), schedule_card(), export_dialog())
