"""Serveur vocal (UC-VO-02, supervisor and admin): the IVR menus a DID leads to, one dialog per menu.

Plain form controls (labels, native selects and checkboxes): Tab moves through the menu's fields and
its nine keys, Enter saves; deleting asks for a confirmation."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import field, submit_button
from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.state.ivr import DAY_LABELS, IvrState as S
from services.voice.ivr import DIGITS

_SELECT = {"padding": "6px", "borderRadius": "6px", "border": "1px solid var(--gray-7)", "width": "100%"}


def _error(name: str) -> rx.Component:
    return rx.cond(S.errors.contains(name), rx.text(S.errors[name], color=rx.color("red", 11), size="1",
                                                    data_testid=f"error-ivr-{name}"))


def _select(name: str, label, none_label=None) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", html_for=f"ivr-{name}", size="2", weight="medium"),
        rx.el.select(*([rx.el.option(none_label, value="")] if none_label is not None else []),
                     rx.foreach(S.choices, lambda c: rx.el.option(c[1], value=c[0])),
                     id=f"ivr-{name}", name=name, default_value=S.draft[name], key=S.draft[name], style=_SELECT),
        spacing="1", width="100%")


def _keys() -> rx.Component:
    return rx.vstack(
        rx.text(t("ivr.keys"), size="2", weight="medium"),
        rx.grid(*[rx.hstack(rx.badge(d, size="2", variant="solid"),
                            rx.el.select(rx.el.option(t("ivr.key.none"), value=""),
                                         rx.foreach(S.choices, lambda c: rx.el.option(c[1], value=c[0])),
                                         id=f"ivr-digit_{d}", name=f"digit_{d}", aria_label=f"Touche {d}",
                                         default_value=S.draft[f"digit_{d}"], key=S.draft[f"digit_{d}"],
                                         style=_SELECT),
                            align="center", spacing="2", width="100%") for d in DIGITS],
                columns="3", spacing="2", width="100%"),
        _error("options"), spacing="1", width="100%")


def _hours() -> rx.Component:
    days = rx.foreach(DAY_LABELS, lambda d: rx.el.label(rx.hstack(
        rx.checkbox(name="day_" + d[0], default_checked=S.draft_days.contains(d[0])),
        rx.text(d[1], size="2"), spacing="1", align="center")))
    return rx.card(rx.vstack(
        rx.el.label(rx.hstack(rx.checkbox(name="hours", default_checked=S.draft["hours"] == "on",
                                          data_testid="ivr-hours"),
                              rx.text(t("ivr.hours"), size="2", weight="medium"), spacing="2", align="center")),
        rx.hstack(days, spacing="3", wrap="wrap"),
        rx.grid(field(t("ivr.start"), "start", S.errors, value=S.draft["start"], type="time", prefix="ivr-"),
                field(t("ivr.end"), "end", S.errors, value=S.draft["end"], type="time", prefix="ivr-"),
                columns="2", spacing="3", width="100%"),
        _error("hours"),
        rx.grid(field(t("ivr.closed_audio"), "closed_audio", S.errors, value=S.draft["closed_audio"],
                      required=False, placeholder="fermeture", prefix="ivr-"),
                rx.vstack(_select("closed_action", t("ivr.closed_action")), _error("closed_action"), width="100%"),
                columns="2", spacing="3", width="100%"),
        spacing="2", width="100%"), width="100%")


def _dialog() -> rx.Component:
    numbers = rx.foreach(S.numbers, lambda n: rx.el.label(rx.hstack(
        rx.checkbox(name="number_" + n[0], default_checked=S.draft_numbers.contains(n[0])),
        rx.text(n[1], size="2"), spacing="1", align="center")))
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(rx.cond(S.edit_id > 0, t("ivr.edit"), t("ivr.new"))),
        rx.form(rx.vstack(
            rx.grid(field(t("ivr.name"), "name", S.errors, value=S.draft["name"], placeholder="Accueil",
                          prefix="ivr-", auto_focus=True),
                    field(t("ivr.audio"), "greeting_audio", S.errors, value=S.draft["greeting_audio"],
                          placeholder="accueil-2026", prefix="ivr-"),
                    columns="2", spacing="3", width="100%"),
            field(t("ivr.text"), "greeting_text", S.errors, value=S.draft["greeting_text"], required=False,
                  placeholder="Tapez 1 pour le support, 2 pour le service commercial", prefix="ivr-"),
            _keys(),
            rx.grid(field(t("ivr.timeout"), "timeout_seconds", S.errors, value=S.draft["timeout_seconds"],
                          type="number", prefix="ivr-"),
                    field(t("ivr.tries"), "max_tries", S.errors, value=S.draft["max_tries"], type="number",
                          prefix="ivr-"),
                    rx.vstack(_select("fallback", t("ivr.fallback")), _error("fallback"), width="100%"),
                    columns="3", spacing="3", width="100%"),
            _hours(),
            rx.vstack(rx.text(t("ivr.numbers"), size="2", weight="medium"),
                      rx.cond(S.numbers.length() > 0, rx.hstack(numbers, spacing="3", wrap="wrap"),
                              rx.text(t("ivr.numbers.none"), size="2", color=rx.color("gray", 11))),
                      _error("numbers"), spacing="1", width="100%"),
            rx.hstack(rx.dialog.close(rx.button(t("set.cancel"), variant="soft", color_scheme="gray", type="button")),
                      submit_button(t("set.save"), data_testid="ivr-save"), justify="end", width="100%"),
            spacing="3", width="100%"), on_submit=S.save, reset_on_submit=False),
        max_width="760px"), open=S.editing, on_open_change=S.close)


def _row(menu) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(menu.name, weight="medium")),
        rx.table.cell(rx.foreach(menu.numbers, lambda n: rx.code(n, margin_right="4px"))),
        rx.table.cell(rx.text(menu.summary, size="2")),
        rx.table.cell(rx.hstack(
            rx.button(rx.icon("pencil", size=14), t("ivr.edit.short"), size="1", variant="soft",
                      on_click=S.open_edit(menu.id), data_testid="edit-ivr"),
            rx.button(rx.icon("trash-2", size=14), t("set.delete"), size="1", variant="soft", color_scheme="red",
                      on_click=S.ask_delete(menu.id, menu.name), data_testid="delete-ivr"), spacing="2")),
        data_testid="ivr-row")


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("ivr.delete.title"), " « ", S.deleting_name, " »"),
        rx.alert_dialog.description(t("ivr.delete.text")),
        rx.hstack(rx.alert_dialog.cancel(rx.button(t("set.cancel"), variant="soft", color_scheme="gray")),
                  rx.alert_dialog.action(rx.button(t("set.delete"), color_scheme="red", on_click=S.confirm_delete,
                                                   data_testid="confirm-delete-ivr")),
                  spacing="3", justify="end", margin_top="1rem")),
        open=S.deleting_id > 0, on_open_change=S.cancel_delete)


def ivr_page() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"ivr.col.{c}"))
                                       for c in ("name", "numbers", "keys", "actions")])),
        rx.table.body(rx.foreach(S.menus, _row)), variant="surface", width="100%", data_testid="ivr-table")
    action = rx.button(rx.icon("plus", size=14), t("ivr.new"), on_click=S.open_new, data_testid="new-ivr")
    return role_shell(page_header("ivr.title", "ivr.context", action),
                      rx.cond(S.menus.length() > 0, table, empty_state("phone-incoming", "ivr.empty")),
                      _dialog(), _delete_dialog())
