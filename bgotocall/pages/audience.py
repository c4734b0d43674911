"""Audience: the tenant's contact lists, custom fields and contact search (UC-CP-06)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.state.audience import AudienceState, ContactSearchState
from bgotocall.components.forms import submit_button
from services.audience.field_kinds import FieldKind


def label(key: str, html_for: str, required: bool = False) -> rx.Component:
    return rx.text(t(key), " *" if required else "", as_="label", html_for=html_for, size="2",
                   weight="medium")


KINDS = [kind.value for kind in FieldKind]


def field_kind_select(select_id: str) -> rx.Component:
    """The type of a new custom field (services.audience.field_kinds), in a form as `kind`."""
    return rx.vstack(
        label("audience.fields.kind", select_id),
        rx.select.root(rx.select.trigger(id=select_id, width="140px"),
                       rx.select.content(*[rx.select.item(t(f"audience.kind.{kind}"), value=kind)
                                           for kind in KINDS]),
                       name="kind", default_value="texte"),
        spacing="1")


def confirm_button(trigger_key: str, title_key: str, text_key: str, on_confirm, testid: str):
    """A destructive action behind a dialog that says what will be lost."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(rx.icon("trash-2", size=14), t(trigger_key), size="1",
                                          color_scheme="red", variant="soft", data_testid=testid)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(title_key)),
            rx.alert_dialog.description(t(text_key)),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("audience.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(t(trigger_key), color_scheme="red", on_click=on_confirm,
                                                 data_testid=f"{testid}-confirm")),
                spacing="3", justify="end", margin_top="1rem"),
        ),
    )


def pager(state, testid: str) -> rx.Component:
    return rx.hstack(
        rx.button(t("audience.previous"), size="1", variant="soft", disabled=state.page <= 1,
                  on_click=state.go_to_page(state.page - 1)),
        rx.text(t("audience.page"), " ", state.page, " / ", state.pages, size="2"),
        rx.button(t("audience.next"), size="1", variant="soft", disabled=state.page >= state.pages,
                  on_click=state.go_to_page(state.page + 1)),
        spacing="3", align="center", justify="end", width="100%", data_testid=testid)


def _status(row) -> rx.Component:
    return rx.match(
        row.status,
        ("PRETE", rx.badge(t("audience.status.PRETE"), color_scheme="green", data_testid="list-status")),
        ("EN_COURS", rx.vstack(
            rx.badge(t("audience.status.EN_COURS"), color_scheme="blue", data_testid="list-status"),
            rx.progress(value=row.percent, max=100, width="120px", data_testid="list-progress"),
            spacing="1")),
        rx.vstack(rx.badge(t("audience.status.ECHEC"), color_scheme="red", data_testid="list-status"),
                  rx.text(row.reason, size="1", color=rx.color("red", 11), max_width="280px"),
                  spacing="1"),
    )


def _list_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium")),
        rx.table.cell(rx.text(row.source, size="1", color=rx.color("gray", 11))),
        rx.table.cell(_status(row)),
        rx.table.cell(row.accepted),
        rx.table.cell(row.rejected),
        rx.table.cell(row.created),
        rx.table.cell(rx.hstack(
            rx.cond(row.report_url != "",
                    rx.link(rx.button(rx.icon("download", size=14), size="1", variant="soft",
                                      title=t("audience.report")), href=row.report_url, is_external=False)),
            rx.cond(row.status != "EN_COURS",
                    confirm_button("audience.delete", "audience.delete.title", "audience.delete.text",
                                   AudienceState.delete_list(row.id), "delete-list")),
            spacing="2")),
        data_testid="list-row",
    )


def _lists() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"audience.col.{key}")) for key in
                                       ("name", "source", "status", "contacts", "rejected", "date")],
                                     rx.table.column_header_cell(""))),
        rx.table.body(rx.foreach(AudienceState.lists, _list_row)),
        variant="surface", width="100%", data_testid="lists-table")
    return rx.vstack(
        rx.hstack(rx.heading(t("audience.lists"), size="4"), rx.spacer(),
                  rx.input(placeholder=t("audience.filter"), on_change=AudienceState.filter_lists,
                           debounce_timeout=300, width="260px", data_testid="filter-lists"),
                  width="100%", align="center"),
        rx.cond(AudienceState.total > 0, rx.vstack(table, pager(AudienceState, "lists-pager"), width="100%"),
                empty_state("contact", "audience.empty")),
        # While an import runs, refresh about every second: progress survives a reload.
        rx.cond(AudienceState.running > 0,
                rx.moment(interval=1000, on_change=AudienceState.refresh, display="none")),
        width="100%", spacing="3")


def contact_search() -> rx.Component:
    """The search box agents and supervisors use; also embeddable in the agent panel."""
    return rx.card(rx.vstack(
        rx.heading(t("audience.search"), size="4"),
        rx.form(rx.hstack(
            rx.input(name="query", id="contact-query", placeholder=t("audience.search.placeholder"),
                     width="100%", aria_label=t("audience.search")),
            submit_button(rx.icon("search", size=16), t("audience.search"), data_testid="contact-search"),
            width="100%"), on_submit=ContactSearchState.search, width="100%"),
        rx.text(t("audience.search.help"), size="1", color=rx.color("gray", 11)),
        rx.cond(ContactSearchState.hits.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(t("audience.col.name")),
                        rx.table.column_header_cell(t("audience.phone")),
                        rx.table.column_header_cell(t("audience.email")),
                        rx.table.column_header_cell(t("audience.search.list")))),
                    rx.table.body(rx.foreach(ContactSearchState.hits, lambda h: rx.table.row(
                        rx.table.cell(h.name), rx.table.cell(h.telephone), rx.table.cell(h.email),
                        rx.table.cell(h.list_name)))),
                    width="100%", size="1", data_testid="contact-hits"),
                rx.cond(ContactSearchState.searched,
                        rx.text(t("audience.search.none"), size="2", data_testid="no-contact"))),
        width="100%", spacing="3"), width="100%")


def _custom_fields() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(t("audience.fields"), size="4"),
        rx.text(t("audience.fields.help"), size="2", color=rx.color("gray", 11)),
        rx.hstack(rx.foreach(AudienceState.custom_fields, lambda field: rx.badge(
                      "{", field[0], "} · ", rx.match(field[1], *[(kind, t(f"audience.kind.{kind}")) for kind in KINDS],
                                                       field[1]),
                      variant="surface", data_testid="custom-field")),
                  wrap="wrap", spacing="2"),
        rx.form(rx.hstack(
            rx.vstack(label("audience.fields.name", "custom-field-name"),
                      rx.input(id="custom-field-name", name="name", max_length=60,
                               placeholder="Zone_Geographique"), spacing="1"),
            field_kind_select("custom-field-kind"),
            submit_button(rx.icon("plus", size=16), t("audience.fields.add")),
            align="end", spacing="3"), on_submit=AudienceState.create_custom_field),
        rx.cond(AudienceState.field_error != "",
                rx.text(AudienceState.field_error, color=rx.color("red", 11), size="2")),
        width="100%", spacing="3"), width="100%")


def audience_page() -> rx.Component:
    action = rx.link(rx.button(rx.icon("upload", size=16), t("audience.new"), data_testid="new-import"),
                     href="/audience/import")
    return role_shell(page_header("nav.audience", "audience.context", action), contact_search(),
                      _lists(), _custom_fields())


def contacts_page() -> rx.Component:
    return role_shell(page_header("audience.search.title", "audience.search.context"), contact_search())
