"""Parts of the campaign data page: the period bar, the charts (Reflex's Recharts
components) and the export dialog."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.reports import ReportsState as S
from bgotocall.state.reports_export import ReportExportState as E
from bgotocall.state.reports_recycle import RecycleState as R
from bgotocall.state.reports_schedule import ReportScheduleState as P
from services.reporting.recycling import CALL_OUTCOMES
from services.reporting.schedules import FREQUENCIES

PERIODS = ("today", "7d", "month", "custom")
PALETTE = ("#4f46e5", "#16a34a", "#ea580c", "#dc2626", "#0891b2", "#9333ea", "#ca8a04",
           "#64748b")
FUNNEL_COLS = ("sent", "delivered", "read", "clicked", "failed", "opted_out")


def period_bar() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            *[rx.segmented_control.item(t(f"reports.period.{p}"), value=p) for p in PERIODS],
            value=S.period_kind, on_change=S.set_period, data_testid="period"),
        rx.cond(S.period_kind == "custom", rx.form(rx.hstack(
            rx.text(t("reports.period.from"), size="2"),
            rx.input(type="date", name="from", default_value=S.custom_from),
            rx.text(t("reports.period.to"), size="2"),
            rx.input(type="date", name="to", default_value=S.custom_to),
            rx.button(t("reports.period.apply"), type="submit", size="2"),
            align="center", spacing="2"), on_submit=S.apply_custom)),
        rx.cond(S.period_error != "", rx.callout(S.period_error, color_scheme="red",
                                                 icon="triangle-alert")),
        spacing="2")


def _card(title_key: str, body: rx.Component, testid: str) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(t(title_key), size="3"), body, width="100%"),
                   width="100%", data_testid=testid)


def _hours_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.x_axis(data_key="heure"), rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.graphing_tooltip(), rx.recharts.legend(),
        rx.recharts.bar(data_key="appels", name="Appels", fill=PALETTE[0]),
        rx.recharts.bar(data_key="messages", name="Messages", fill=PALETTE[1]),
        data=S.hours, width="100%", height=260)


def _codes_chart() -> rx.Component:
    return rx.recharts.pie_chart(
        rx.recharts.pie(
            rx.foreach(S.codes, lambda c, i: rx.recharts.cell(fill=rx.Var.create(list(PALETTE))[
                i % len(PALETTE)])),
            data=S.codes, data_key="nombre", name_key="code", label=True,
            inner_radius="40%", outer_radius="75%"),
        rx.recharts.graphing_tooltip(), rx.recharts.legend(),
        width="100%", height=260)


def _funnel() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(
            rx.table.column_header_cell(t("reports.funnel.channel")),
            *[rx.table.column_header_cell(t(f"reports.funnel.{c}")) for c in FUNNEL_COLS])),
        rx.table.body(rx.foreach(S.funnel, lambda f: rx.table.row(
            rx.table.cell(f.channel), *[rx.table.cell(getattr(f, c)) for c in FUNNEL_COLS],
            data_testid="funnel-row"))),
        width="100%", size="1")
    chart = rx.recharts.funnel_chart(
        rx.recharts.funnel(
            rx.foreach(S.funnel_chart, lambda _, i: rx.recharts.cell(
                fill=rx.Var.create(list(PALETTE))[i % len(PALETTE)])),
            rx.recharts.label_list(position="center", fill="#fff", stroke="none",
                                   data_key="libelle"),
            data=S.funnel_chart, data_key="valeur", name_key="etape", is_animation_active=False),
        rx.recharts.graphing_tooltip(), width="100%", height=200)
    return rx.vstack(chart, table, width="100%")


def charts() -> rx.Component:
    return rx.vstack(
        rx.grid(_card("reports.chart.hours", _hours_chart(), "chart-hours"),
                _card("reports.chart.codes", _codes_chart(), "chart-codes"),
                columns="2", spacing="3", width="100%"),
        _card("reports.chart.funnel", _funnel(), "chart-funnel"),
        width="100%", spacing="3")


def _column_choice(choice) -> rx.Component:
    return rx.checkbox(choice[1], checked=E.chosen.contains(choice[0]),
                       on_change=lambda checked: E.toggle_column(choice[0], checked),
                       data_testid="export-column")


def export_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(t("reports.export.title")),
        rx.dialog.description(t("reports.export.text"), size="2"),
        rx.grid(rx.foreach(E.column_choices, _column_choice), columns="3", spacing="2",
                margin_y="1rem"),
        rx.radio_group.root(
            rx.hstack(rx.radio_group.item(value="csv", data_testid="export-csv"),
                      rx.text(t("reports.export.csv"), size="2"),
                      rx.radio_group.item(value="xlsx", data_testid="export-xlsx"),
                      rx.text(t("reports.export.xlsx"), size="2"), align="center"),
            value=E.export_format, on_change=E.set_export_format),
        rx.cond(E.export_error != "", rx.callout(
            rx.text(t("reports.export.failed"), " ", E.export_error), color_scheme="red",
            icon="triangle-alert", margin_top="0.5rem")),
        rx.cond((E.export_state == "EN_ATTENTE") | (E.export_state == "EN_COURS"), rx.vstack(
            rx.text(t("reports.export.running"), size="2"),
            rx.progress(value=E.export_progress, max=100, width="100%",
                        data_testid="export-progress"), width="100%", margin_top="0.5rem")),
        rx.hstack(
            rx.dialog.close(rx.button(t("reports.close"), variant="soft", color_scheme="gray",
                                      on_click=E.close_export)),
            rx.cond(E.download_url != "",
                    rx.link(rx.button(rx.icon("download", size=16), t("reports.export.download")),
                            href=E.download_url, is_external=True, data_testid="export-download")),
            rx.button(t("reports.export.start"), on_click=E.start, data_testid="export-start",
                      disabled=E.chosen.length() == 0),
            justify="end", spacing="3", margin_top="1rem"),
        max_width="720px"), open=E.export_open)


def recycle_card() -> rx.Component:
    outcomes = [rx.checkbox(label, checked=R.recycle_outcomes.contains(key),
                            on_change=lambda checked, k=key: R.toggle_outcome(k, checked),
                            data_testid=f"recycle-{key}")
                for key, label in CALL_OUTCOMES.items()]
    codes = rx.foreach(S.code_options, lambda code: rx.checkbox(
        code, checked=R.recycle_codes.contains(code),
        on_change=lambda checked: R.toggle_code(code, checked)))
    return rx.card(rx.vstack(
        rx.heading(t("reports.recycle"), size="4"),
        rx.text(t("reports.recycle.text"), size="2", color=rx.color("gray", 11)),
        rx.hstack(*outcomes, rx.checkbox(t("reports.recycle.failed"), checked=R.recycle_failed,
                                         on_change=R.toggle_failed), codes,
                  wrap="wrap", spacing="4"),
        rx.hstack(
            rx.cond(R.recycle_count >= 0, rx.text(
                R.recycle_count, " ", t("reports.recycle.preview"), size="2",
                data_testid="recycle-preview")),
            rx.spacer(),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button(t("reports.recycle.run"),
                                                  disabled=R.recycle_count <= 0,
                                                  data_testid="recycle-run")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(t("reports.recycle")),
                    rx.alert_dialog.description(R.recycle_count, " ",
                                                t("reports.recycle.preview")),
                    rx.hstack(rx.alert_dialog.cancel(rx.button(t("reports.close"),
                                                               variant="soft")),
                              rx.alert_dialog.action(rx.button(
                                  t("reports.recycle.run"), on_click=R.run_recycle,
                                  data_testid="recycle-confirm")),
                              justify="end", spacing="3", margin_top="1rem"))),
            width="100%", align="center"),
        rx.hstack(
            rx.input(placeholder=t("reports.recycle.new.name"), value=R.new_campaign_name,
                     on_change=R.set_new_campaign_name, width="320px",
                     data_testid="recycle-new-name"),
            rx.button(t("reports.recycle.new"), variant="soft", on_click=R.run_recycle_new,
                      disabled=R.recycle_count <= 0, data_testid="recycle-new"),
            rx.cond(R.new_campaign_error != "", rx.text(R.new_campaign_error, size="2",
                                                        color=rx.color("red", 11),
                                                        data_testid="recycle-new-error")),
            width="100%", align="center", spacing="3", wrap="wrap"),
        width="100%", spacing="3"), width="100%")


def schedule_card() -> rx.Component:
    """The synthesis PDF emailed every day, week or month to the recipients typed."""
    existing = rx.cond(P.schedules.length() > 0, rx.vstack(rx.foreach(
        P.schedules, lambda s: rx.hstack(
        rx.badge(s.frequency), rx.text(s.recipients, size="2"), rx.spacer(),
        rx.text(t("reports.schedule.last"), " ", s.last, size="1", color=rx.color("gray", 10)),
        rx.icon_button(rx.icon("trash-2", size=14), variant="ghost", color_scheme="red",
                       on_click=P.remove_schedule(s.id), aria_label=t("reports.schedule.remove")),
            width="100%", align="center", data_testid="schedule-row")), width="100%"),
        rx.text(t("reports.schedule.none"), size="2", color=rx.color("gray", 10)))
    return rx.card(rx.vstack(
        rx.heading(t("reports.schedule"), size="4"),
        rx.text(t("reports.schedule.text"), size="2", color=rx.color("gray", 11)),
        existing,
        rx.hstack(
            rx.select.root(rx.select.trigger(width="170px", data_testid="schedule-frequency"),
                           rx.select.content(*[rx.select.item(label, value=key)
                                               for key, label in FREQUENCIES.items()]),
                           value=P.schedule_frequency, on_change=P.set_schedule_frequency),
            rx.input(placeholder=t("reports.schedule.recipients"), value=P.schedule_recipients,
                     on_change=P.set_schedule_recipients, width="360px",
                     data_testid="schedule-recipients"),
            rx.button(t("reports.schedule.add"), on_click=P.add_schedule,
                      data_testid="schedule-add"),
            rx.button(rx.icon("send", size=14), t("reports.schedule.now"), on_click=P.email_now,
                      variant="soft", data_testid="schedule-now"),
            wrap="wrap", spacing="3", align="center", width="100%"),
        rx.cond(P.schedule_error != "", rx.text(P.schedule_error, size="2",
                                                color=rx.color("red", 11),
                                                data_testid="schedule-error")),
        width="100%", spacing="3"), width="100%")
