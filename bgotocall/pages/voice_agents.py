"""Agents (UC-RH-01/02): enroll with the licence counter, the agents table, delete with confirmation."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.enrolment_parts import enroll_dialog, remove_dialog
from bgotocall.pages.voice_profile import profile_dialog
from bgotocall.pages.voice_parts import live_badge, state_badge, state_label
from bgotocall.state.voice import STATES, VoiceState


def licence_counter() -> rx.Component:
    return rx.badge(rx.icon("id-card", size=14), f"{VoiceState.licences_used} / {VoiceState.licences} ",
                    t("voice.licences"), size="3", variant="soft",
                    color_scheme=rx.cond(VoiceState.licences_full, "orange", "indigo"),
                    data_testid="licence-counter")


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
                    rx.hstack(licence_counter(), enroll_dialog(VoiceState, "voice", "agent", licence_counter()),
                              spacing="3", align="center", flex_shrink="0")),
        _table(), remove_dialog(VoiceState, "voice"), profile_dialog())
