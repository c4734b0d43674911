"""Envois d'une campagne: live counters per channel, the pause reason, and every message that
did not go out with its reason."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.state.campaigns_sending import CampaignSendingState as S

_COUNTERS = ("total", "waiting", "sent", "delivered", "read", "clicked", "failed", "opted_out")


def _actions() -> rx.Component:
    return rx.hstack(
        rx.link(rx.button(rx.icon("arrow-left", size=14), t("sending.back"), variant="soft"),
                href="/campagnes"),
        rx.button(rx.icon("refresh-cw", size=14), t("sending.refresh"), on_click=S.refresh,
                  data_testid="sending-refresh"),
        spacing="2")


def _counter_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.channel, weight="medium")),
        *[rx.table.cell(rx.text(getattr(row, k)), data_testid=f"count-{k}") for k in _COUNTERS],
        rx.table.cell(rx.hstack(rx.progress(value=row.progress, max=100, width="80px"),
                                rx.text(row.progress, "%", size="1"), align="center")),
        data_testid="sending-counters")


def _counters() -> rx.Component:
    return rx.cond(S.counters.length() > 0, rx.table.root(
        rx.table.header(rx.table.row(
            *[rx.table.column_header_cell(t(f"sending.col.{k}"))
              for k in ("channel", *_COUNTERS, "progress")])),
        rx.table.body(rx.foreach(S.counters, _counter_row)),
        variant="surface", width="100%"), empty_state("send", "sending.none"))


def _not_sent_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.channel), rx.table.cell(row.address),
        rx.table.cell(rx.badge(row.status, variant="soft", color_scheme="orange")),
        rx.table.cell(rx.text(row.reason, size="2")), rx.table.cell(rx.text(row.when, size="2")),
        data_testid="not-sent-row")


def _not_sent() -> rx.Component:
    return rx.vstack(
        rx.heading(t("sending.not_sent"), size="4"),
        rx.cond(S.not_sent_rows.length() > 0, rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"sending.col.{k}"))
                                           for k in ("channel", "address", "status", "reason",
                                                     "when")])),
            rx.table.body(rx.foreach(S.not_sent_rows, _not_sent_row)),
            variant="surface", width="100%"),
            rx.text(t("sending.all_sent"), color=rx.color("gray", 11), size="2")),
        width="100%", spacing="3")


def campaign_sending_page() -> rx.Component:
    return role_shell(
        page_header("sending.title", "sending.context", _actions()),
        rx.heading(S.campaign_name, size="5", data_testid="sending-campaign"),
        rx.cond(S.pause_reason != "", rx.callout(
            S.pause_reason, icon="circle-pause", color_scheme="orange",
            data_testid="pause-reason")),
        _counters(), _not_sent())
