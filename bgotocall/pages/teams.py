"""Équipes: the teams of the tenant."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.state.teams import TeamsState
from bgotocall.components.forms import submit_button


def _create_form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading(t("teams.new"), size="4"),
        rx.hstack(
            rx.vstack(rx.text(t("teams.name"), " *", as_="label", html_for="team-name",
                              size="2", weight="medium"),
                      rx.input(id="team-name", name="name", required=True, max_length=120,
                               width="100%"), width="100%", spacing="1"),
            rx.vstack(rx.text(t("teams.description"), as_="label",
                              html_for="team-description", size="2", weight="medium"),
                      rx.input(id="team-description", name="description", max_length=500,
                               width="100%"), width="100%", spacing="1"),
            width="100%", spacing="4"),
        rx.cond(TeamsState.form_error != "",
                rx.text(TeamsState.form_error, color=rx.color("red", 11), size="2",
                        data_testid="form-error")),
        submit_button(rx.icon("plus", size=16), t("teams.create"), data_testid="create-team"),
        spacing="3", width="100%"), on_submit=TeamsState.add_team), width="100%")


def _row(team) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(team.name, weight="medium")),
        rx.table.cell(team.description),
        rx.table.cell(rx.hstack(rx.badge(team.size, variant="soft"), rx.text(team.members, size="2"),
                                align="center")),
        rx.table.cell(rx.icon_button(rx.icon("trash-2", size=14), variant="ghost", color_scheme="red",
                                     aria_label=t("teams.delete"), on_click=TeamsState.ask_delete(team.id, team.name),
                                     data_testid="delete-team")),
        data_testid="team-row")


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("teams.delete.title"), " « ", TeamsState.delete_name, " » ?"),
        rx.alert_dialog.description(t("teams.delete.text")),
        rx.hstack(rx.alert_dialog.cancel(rx.button(t("voice.cancel"), variant="soft", color_scheme="gray",
                                                   on_click=TeamsState.cancel_delete)),
                  rx.alert_dialog.action(rx.button(t("teams.delete"), color_scheme="red",
                                                   on_click=TeamsState.confirm_delete, data_testid="confirm-delete-team")),
                  justify="end", spacing="3", margin_top="1rem")),
        open=TeamsState.delete_id != 0)


def _table() -> rx.Component:
    return rx.cond(
        TeamsState.teams.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                "teams.name", "teams.description", "teams.members", "teams.actions")])),
            rx.table.body(rx.foreach(TeamsState.teams, _row)),
            variant="surface", width="100%", data_testid="teams-table"),
        empty_state("users", "teams.empty"),
    )


def teams_page() -> rx.Component:
    return role_shell(page_header("nav.teams", "teams.context"), _create_form(), _table(), _delete_dialog())
