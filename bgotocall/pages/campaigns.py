"""Campagnes: the list (status, progress, channels, row actions, search and filters)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.campaigns_registry import frequency_caps_card, template_registry
from bgotocall.state.campaigns import CampaignsState

STATUSES = ("BROUILLON", "LIVE", "EN_PAUSE", "ARCHIVEE")
CHANNELS = ("voice", "sms", "email", "whatsapp")
STATUS_COLORS = {"BROUILLON": "gray", "LIVE": "green", "EN_PAUSE": "orange", "ARCHIVEE": "gray"}
CHANNEL_ICONS = {"voice": "phone", "sms": "message-square", "email": "mail",
                 "whatsapp": "message-circle"}


def status_badge(status) -> rx.Component:
    return rx.match(status, *[(s, rx.badge(
        rx.cond(s == "LIVE", rx.icon("radio", size=12), rx.fragment()),
        t(f"campaigns.status.{s}"), color_scheme=STATUS_COLORS[s], variant="soft",
        data_testid="campaign-status")) for s in STATUSES], rx.badge(status))


def channel_icons(channels) -> rx.Component:
    return rx.hstack(rx.foreach(channels, lambda c: rx.match(c, *[(k, rx.tooltip(
        rx.icon(CHANNEL_ICONS[k], size=16, color=rx.color("indigo", 10)),
        content=t(f"campaigns.channel.{k}"))) for k in CHANNELS], rx.fragment())), spacing="2")


def _row_menu(row) -> rx.Component:
    act = CampaignsState.act
    return rx.menu.root(
        rx.menu.trigger(rx.icon_button(rx.icon("ellipsis", size=16), variant="ghost",
                                       aria_label="Actions", data_testid="row-menu")),
        rx.menu.content(
            rx.menu.item(rx.icon("pencil", size=14), t("campaigns.action.edit"),
                         on_select=rx.redirect(f"/campagnes/edition?id={row.id}"),
                         data_testid="action-edit"),
            rx.menu.item(rx.icon("send", size=14), t("sending.action"),
                         on_select=rx.redirect(f"/campagnes/envois?id={row.id}"),
                         data_testid="action-sending"),
            rx.cond(row.status == "LIVE", rx.menu.item(
                rx.icon("pause", size=14), t("campaigns.action.pause"),
                on_select=act("pause", row.id), data_testid="action-pause")),
            rx.cond(row.status == "EN_PAUSE", rx.menu.item(
                rx.icon("play", size=14), t("campaigns.action.resume"),
                on_select=act("resume", row.id), data_testid="action-resume")),
            rx.menu.item(rx.icon("copy", size=14), t("campaigns.action.duplicate"),
                         on_select=act("duplicate", row.id), data_testid="action-duplicate"),
            rx.cond(row.status != "ARCHIVEE", rx.fragment(rx.menu.separator(), rx.menu.item(
                rx.icon("archive", size=14), t("campaigns.action.archive"), color="red",
                on_select=CampaignsState.ask_archive(row.id), data_testid="action-archive"))),
        ),
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.name, href=f"/campagnes/edition?id={row.id}",
                              weight="medium")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(channel_icons(row.channels)),
        rx.table.cell(rx.hstack(rx.progress(value=row.progress, max=100, width="90px"),
                                rx.text(row.progress, "%", size="1"),
                                rx.text("· ", row.contacts, size="1",
                                        color=rx.color("gray", 10)),
                                align="center", spacing="2")),
        rx.table.cell(rx.text(row.updated_at, size="2")),
        rx.table.cell(_row_menu(row)),
        data_testid="campaign-row", align="center",
    )


def _filters() -> rx.Component:
    return rx.hstack(
        rx.input(rx.input.slot(rx.icon("search", size=16)), value=CampaignsState.search,
                 on_change=CampaignsState.set_search.debounce(300),
                 placeholder=t("campaigns.search"), width="320px",
                 data_testid="campaign-search"),
        rx.select.root(rx.select.trigger(width="180px"), rx.select.content(
            rx.select.item(t("campaigns.filter.status"), value="all"),
            *[rx.select.item(t(f"campaigns.status.{s}"), value=s) for s in STATUSES]),
            value=CampaignsState.status_filter, on_change=CampaignsState.set_status_filter),
        rx.select.root(rx.select.trigger(width="160px"), rx.select.content(
            rx.select.item(t("campaigns.filter.channel"), value="all"),
            *[rx.select.item(t(f"campaigns.channel.{c}"), value=c) for c in CHANNELS]),
            value=CampaignsState.channel_filter, on_change=CampaignsState.set_channel_filter),
        spacing="3", width="100%",
    )


def _archive_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("campaigns.archive.title")),
        rx.alert_dialog.description(t("campaigns.archive.text")),
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(t("campaigns.cancel"), variant="soft",
                                             color_scheme="gray",
                                             on_click=CampaignsState.cancel_archive)),
            rx.alert_dialog.action(rx.button(
                t("campaigns.action.archive"), color_scheme="red",
                on_click=CampaignsState.act("archive", CampaignsState.archive_id),
                data_testid="confirm-archive")),
            spacing="3", justify="end", margin_top="1rem")),
        open=CampaignsState.archive_id != 0)


def _table() -> rx.Component:
    return rx.cond(
        CampaignsState.rows.length() > 0,
        rx.vstack(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                    "campaigns.col.name", "campaigns.col.status", "campaigns.col.channels",
                    "campaigns.col.progress", "campaigns.col.updated",
                    "campaigns.col.actions")])),
                rx.table.body(rx.foreach(CampaignsState.rows, _row)),
                variant="surface", width="100%", data_testid="campaigns-table"),
            rx.hstack(
                rx.button(t("campaigns.previous"), variant="soft", size="1",
                          on_click=CampaignsState.go_page(-1),
                          disabled=CampaignsState.page <= 1),
                rx.text(t("campaigns.page"), " ", CampaignsState.page, " / ",
                        CampaignsState.pages, size="2"),
                rx.button(t("campaigns.next"), variant="soft", size="1",
                          on_click=CampaignsState.go_page(1),
                          disabled=CampaignsState.page >= CampaignsState.pages),
                justify="end", width="100%", align="center"),
            width="100%"),
        empty_state("megaphone", "campaigns.empty"),
    )


def new_campaign_button() -> rx.Component:
    return rx.link(rx.button(rx.icon("plus", size=16), t("campaigns.new"),
                             data_testid="new-campaign"), href="/campagnes/nouvelle")


def campaigns_page() -> rx.Component:
    return role_shell(page_header("nav.campaigns", "campaigns.context", new_campaign_button()),
                      _filters(), _table(), _archive_dialog(), template_registry(),
                      frequency_caps_card())
