"""Bandeau agent: the agent's whole screen. Filled by the voice and messaging issues."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import top_bar
from bgotocall.i18n import t
from bgotocall.state.session import SessionState
from bgotocall.pages.voice_parts import agent_status
from bgotocall.pages.campaigns_agent import agent_campaigns_section
from bgotocall.pages.agent_phone import logged_out_help
from bgotocall.pages.softphone import softphone_panel
from bgotocall.pages.agent_call import agent_call_panel
from bgotocall.pages.conversations import unread_badge
from bgotocall.state.voice import VoiceState
from bgotocall.state.campaigns_agent import AgentCampaignsState


def _status_bar() -> rx.Component:
    return rx.hstack(
        agent_status(),
        rx.text(SessionState.user_name, weight="medium"),
        rx.spacer(),
        unread_badge(),
        width="100%", padding="0.75rem 1.5rem", align="center",
        background=rx.color("gray", 3),
    )


def agent_page() -> rx.Component:
    return rx.vstack(
        top_bar(),
        _status_bar(),
        rx.vstack(
            rx.heading(t("nav.agent"), size="6", data_testid="page-title"),
            rx.text(t("agent.welcome"), color=rx.color("gray", 11)),
            softphone_panel(),
            logged_out_help(VoiceState.my_state),
            agent_call_panel(),
            rx.box(agent_campaigns_section(), width="100%",
                   on_mount=AgentCampaignsState.load_agent_campaigns),
            rx.cond(AgentCampaignsState.campaigns.length() == 0, rx.card(
                rx.hstack(rx.icon("headset", size=28, color=rx.color("gray", 9)),
                          rx.text(t("agent.waiting")), align="center", spacing="3"),
                width="100%", data_testid="empty-state")),
            padding="1.5rem 2rem", width="100%", spacing="4",
        ),
        spacing="0", width="100%", min_height="100vh", background=rx.color("gray", 2),
    )
