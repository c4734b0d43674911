"""Paramètres (admin): the tenant's supervisors, enrolled and removed by the admin."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.enrolment_parts import enroll_dialog, remove_dialog
from bgotocall.state.settings import SupervisorsState as S


def _row(person) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(person.full_name, weight="medium")),
        rx.table.cell(person.email),
        rx.table.cell(rx.code(person.extension)),
        rx.table.cell(rx.button(rx.icon("trash-2", size=14), t("voice.delete"), size="1", variant="soft",
                                color_scheme="red", on_click=S.ask_remove(person.user_id, person.full_name),
                                data_testid="delete-supervisor")),
        data_testid="supervisor-row")


def _supervisors() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"sup.people.col.{c}"))
                                       for c in ("name", "email", "extension", "actions")])),
        rx.table.body(rx.foreach(S.supervisors, _row)), variant="surface", width="100%",
        data_testid="supervisors-table")
    return rx.vstack(
        rx.hstack(rx.vstack(rx.heading(t("sup.people.title"), size="4"),
                            rx.text(t("sup.people.context"), size="2", color=rx.color("gray", 11)), spacing="1"),
                  rx.spacer(), enroll_dialog(S, "sup.people", "supervisor"), width="100%", align="end"),
        rx.cond(S.supervisors.length() > 0, table, empty_state("user-cog", "sup.people.empty")),
        spacing="3", width="100%")


def settings_page() -> rx.Component:
    return role_shell(page_header("nav.settings", "settings.context"), _supervisors(), remove_dialog(S, "sup.people"))
