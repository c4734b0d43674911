"""Agents (UC-RH-01/02): enroll with the licence counter, the agents table, delete with confirmation."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import submit_button
from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.voice_profile import profile_dialog
from bgotocall.pages.voice_parts import live_badge, state_badge, state_label
from bgotocall.state.voice import STATES, VoiceState


def _field(name: str, label: str, help_key: str = "", **props) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), " *", as_="label", html_for=f"agent-{name}", size="2", weight="medium"),
        rx.input(id=f"agent-{name}", name=name, required=True, width="100%", **props),
        rx.cond(VoiceState.errors.contains(name),
                rx.text(VoiceState.errors[name], color=rx.color("red", 11), size="2",
                        data_testid=f"error-{name}"),
                rx.text(t(help_key), color=rx.color("gray", 10), size="1") if help_key else rx.fragment()),
        spacing="1", width="100%")


def licence_counter() -> rx.Component:
    return rx.badge(rx.icon("id-card", size=14), f"{VoiceState.licences_used} / {VoiceState.licences} ",
                    t("voice.licences"), size="3", variant="soft",
                    color_scheme=rx.cond(VoiceState.licences_full, "orange", "indigo"),
                    data_testid="licence-counter")


def _enroll_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), t("voice.new"), data_testid="new-agent")),
        rx.dialog.content(
            rx.dialog.title(t("voice.new")),
            rx.hstack(licence_counter(), margin_bottom="0.75rem"),
            rx.form(rx.vstack(
                rx.hstack(_field("last_name", "voice.form.last_name", max_length=100),
                          _field("first_name", "voice.form.first_name", max_length=100), width="100%"),
                _field("login", "voice.form.login", "voice.form.login.help", max_length=40),
                _field("email", "voice.form.email", "voice.form.email.help", type="email", max_length=254),
                rx.cond(VoiceState.errors.contains("form"),
                        rx.callout(VoiceState.errors["form"], icon="triangle-alert", color_scheme="red",
                                   width="100%", data_testid="enroll-error")),
                rx.hstack(rx.dialog.close(rx.button(t("voice.cancel"), variant="soft", color_scheme="gray",
                                                    type="button")),
                          submit_button(t("voice.form.submit"), data_testid="enroll-submit"),
                          justify="end", width="100%"),
                spacing="3", width="100%"), on_submit=VoiceState.enroll, reset_on_submit=False),
            max_width="560px"),
        open=VoiceState.enroll_open, on_open_change=VoiceState.set_enroll_open)


def _remove_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("voice.delete.title"), " ", VoiceState.remove_name),
        rx.alert_dialog.description(t("voice.delete.text")),
        rx.hstack(rx.alert_dialog.cancel(rx.button(t("voice.cancel"), variant="soft", color_scheme="gray")),
                  rx.alert_dialog.action(rx.button(t("voice.delete.confirm"), color_scheme="red",
                                                   on_click=VoiceState.confirm_remove,
                                                   data_testid="confirm-delete")),
                  justify="end", spacing="3", margin_top="1rem")),
        open=VoiceState.remove_open, on_open_change=VoiceState.set_remove_open)


def _row(agent) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(agent.full_name, weight="medium")),
        rx.table.cell(agent.login),
        rx.table.cell(rx.code(agent.extension)),
        rx.table.cell(state_badge(agent.state)),
        rx.table.cell(agent.teams),
        rx.table.cell(agent.skills),
        rx.table.cell(rx.dropdown_menu.root(
            rx.dropdown_menu.trigger(rx.icon_button(rx.icon("ellipsis", size=16), variant="ghost",
                                                    aria_label=t("voice.col.actions"))),
            rx.dropdown_menu.content(
                rx.dropdown_menu.item(rx.icon("tags", size=14), t("voice.profile"),
                                      on_click=VoiceState.open_profile(agent.user_id, agent.full_name),
                                      data_testid="edit-profile"),
                rx.dropdown_menu.separator(),
                rx.dropdown_menu.item(rx.icon("trash-2", size=14), t("voice.delete"), color="red",
                                      on_click=VoiceState.ask_remove(agent.user_id, agent.full_name),
                                      data_testid="delete-agent")))),
        data_testid="agent-row", data_name=agent.full_name)


def _table() -> rx.Component:
    return rx.cond(
        VoiceState.agents.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("voice.search"),
                         value=VoiceState.search, on_change=VoiceState.set_search, width="360px",
                         data_testid="agent-search"),
                rx.select.root(rx.select.trigger(),
                               rx.select.content(rx.select.item(t("voice.filter.all"), value="all"),
                                                 *[rx.select.item(state_label(s), value=s) for s in STATES]),
                               value=VoiceState.state_filter, on_change=VoiceState.set_state_filter),
                rx.spacer(), live_badge(), width="100%", align="center"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"voice.col.{c}")) for c in
                                               ("name", "login", "extension", "state", "teams", "skills",
                                                "actions")])),
                rx.table.body(rx.foreach(VoiceState.shown_agents, _row)),
                variant="surface", width="100%", data_testid="agents-table"),
            width="100%", spacing="3"),
        empty_state("headset", "voice.empty"),
    )


def agents_page() -> rx.Component:
    return role_shell(
        page_header("voice.agents", "voice.agents.context",
                    rx.hstack(licence_counter(), _enroll_dialog(), spacing="3", align="center", flex_shrink="0")),
        _table(), _remove_dialog(), profile_dialog())
