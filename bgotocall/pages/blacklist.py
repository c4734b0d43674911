"""Liste noire (UC-DG-04): who asked not to be contacted, with its history."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.audience import confirm_button, label, pager
from bgotocall.state.blacklist import BlacklistState as B
from bgotocall.components.forms import spreadsheet_upload, submit_button

UPLOAD_ID = "blacklist-upload"
CHANNELS = ["TOUS", "SMS", "EMAIL", "WHATSAPP", "VOIX"]
SOURCES = ["STOP", "UNSUBSCRIBE_LINK", "AGENT_DISPOSITION", "MANUAL", "IMPORT"]


def _source_label(source) -> rx.Component:
    return rx.match(source, *[(s, t(f"blacklist.source.{s}")) for s in SOURCES], source)


def _add_form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading(t("blacklist.add"), size="4"),
        rx.hstack(
            rx.vstack(label("blacklist.phone", "optout-phone"),
                      rx.input(id="optout-phone", name="phone", placeholder="6 71 23 45 67"), spacing="1"),
            rx.vstack(label("blacklist.email", "optout-email"),
                      rx.input(id="optout-email", name="email", type="email"), spacing="1"),
            rx.vstack(label("blacklist.channel", "optout-channel"),
                      rx.select(CHANNELS, default_value="TOUS", name="channel", id="optout-channel"),
                      spacing="1"),
            rx.vstack(label("blacklist.note", "optout-note"),
                      rx.input(id="optout-note", name="note", max_length=500), spacing="1"),
            submit_button(rx.icon("ban", size=16), t("blacklist.add.button"), data_testid="add-optout"),
            spacing="3", align="end", wrap="wrap"),
        rx.cond(B.form_error != "", rx.text(B.form_error, color=rx.color("red", 11), size="2",
                                            data_testid="optout-error")),
        spacing="3"), on_submit=B.add), width="100%")


def _import_card() -> rx.Component:
    return rx.card(rx.hstack(
        rx.vstack(rx.heading(t("blacklist.import"), size="3"),
                  rx.text(t("blacklist.import.help"), size="1", color=rx.color("gray", 11)), spacing="1"),
        rx.spacer(),
        spreadsheet_upload(rx.button(rx.icon("upload", size=16), t("blacklist.import"), variant="soft"),
                           upload_id=UPLOAD_ID, on_drop=B.import_file(rx.upload_files(upload_id=UPLOAD_ID)),
                           border="none", padding="0"),
        align="center", width="100%"), width="100%")


def _row(entry) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(entry.contact, weight="medium")),
        rx.table.cell(rx.match(entry.channel, ("TOUS", t("blacklist.channel.TOUS")), entry.channel)),
        rx.table.cell(rx.badge(_source_label(entry.source), variant="soft")),
        rx.table.cell(entry.date),
        rx.table.cell(rx.text(entry.note, size="1")),
        rx.table.cell(confirm_button("blacklist.remove", "blacklist.remove.title", "blacklist.remove.text",
                                     B.remove(entry.id), "remove-optout")),
        data_testid="optout-row")


def _table() -> rx.Component:
    return rx.vstack(
        rx.input(placeholder=t("blacklist.search"), on_change=B.search, debounce_timeout=300,
                 width="320px", data_testid="optout-search"),
        rx.cond(B.total > 0, rx.vstack(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"blacklist.{k}")) for k in
                                               ("contact", "channel", "source", "date", "note")],
                                             rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(B.entries, _row)), variant="surface", width="100%",
                data_testid="optout-table"),
            pager(B, "optout-pager"), width="100%"),
            empty_state("ban", "blacklist.empty")),
        width="100%", spacing="3")


def _history() -> rx.Component:
    return rx.cond(B.history.length() > 0, rx.card(rx.vstack(
        rx.heading(t("blacklist.history"), size="3"),
        rx.table.root(rx.table.body(rx.foreach(B.history, lambda h: rx.table.row(
            rx.table.cell(h.date), rx.table.cell(rx.match(h.action, *[(a, t(f"blacklist.action.{a}"))
                                                                      for a in ("ADD", "REMOVE", "IMPORT")], h.action)),
            rx.table.cell(h.contact), rx.table.cell(_source_label(h.source))))), size="1", width="100%",
            data_testid="optout-history"),
        width="100%"), width="100%"))


def blacklist_page() -> rx.Component:
    export = rx.link(rx.button(rx.icon("download", size=16), t("blacklist.export"), variant="soft",
                               data_testid="export-optouts"), href="/api/audience/liste-noire/export")
    return role_shell(page_header("nav.blacklist", "blacklist.context", export), _add_form(),
                      _import_card(), _table(), _history())
