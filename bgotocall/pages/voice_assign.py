"""UC-RH-03: drag an agent card to a live campaign; its queues change on the PBX at once."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.voice_dnd import dnd_context, drag_card, drop_zone
from bgotocall.pages.voice_parts import state_badge
from bgotocall.state.voice_assign import AssignState


def _card(agent) -> rx.Component:
    return drag_card(
        rx.card(rx.hstack(rx.icon("grip-vertical", size=14, color=rx.color("gray", 9)),
                          rx.text(agent.name, size="2", weight="medium"), rx.spacer(),
                          state_badge(agent.state, size="1"), align="center", width="100%"),
                size="1", width="100%"),
        drag_id=agent.key, data_testid="assign-card", data_name=agent.name)


def _column(column) -> rx.Component:
    free = column.key == "free"
    return drop_zone(
        rx.vstack(
            rx.hstack(rx.icon(rx.cond(free, "user-round", "megaphone"), size=16),
                      rx.text(rx.cond(free, t("voice.assign.free"), column.title), weight="bold", size="2"),
                      rx.spacer(), rx.badge(column.agents.length(), variant="soft"),
                      align="center", width="100%"),
            rx.foreach(column.agents, _card),
            rx.cond(column.agents.length() == 0,
                    rx.text(t("voice.assign.empty"), size="1", color=rx.color("gray", 9), padding="1rem 0")),
            spacing="2", width="100%", padding="0.75rem", min_height="220px",
            background=rx.cond(free, rx.color("gray", 3), "white"), border_radius="12px",
            border=f"1px solid {rx.color('gray', 5)}"),
        drop_id=column.key, data_testid="assign-column", data_key=column.key, style={"minWidth": "230px"})


def assignment_page() -> rx.Component:
    return role_shell(
        page_header("voice.assign.title", "voice.assign.context"),
        rx.cond(AssignState.columns.length() <= 1,
                rx.callout(t("voice.assign.no_campaign"), icon="info", width="100%", data_testid="no-campaign")),
        # columns wrap rather than scroll sideways: every campaign stays in view to drop an agent on
        dnd_context(rx.flex(rx.foreach(AssignState.columns, _column), spacing="4", align="start",
                            width="100%", wrap="wrap", padding_bottom="1rem"),
                    on_drag_end=AssignState.move))
