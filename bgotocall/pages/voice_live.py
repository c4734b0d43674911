"""Live supervision of agents (cards by state) with listen / whisper / barge (UC-RH-04)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.voice_parts import STATE_COLOURS, elapsed, live_badge, state_badge
from bgotocall.state.voice import STATES, VoiceState


def _coach_buttons(agent) -> rx.Component:
    def button(mode: str, icon: str) -> rx.Component:
        return rx.button(rx.icon(icon, size=14), t(f"voice.{mode}"), size="1", variant="soft",
                         on_click=VoiceState.coach(agent.user_id, agent.full_name, mode),
                         data_testid=f"{mode}-button")
    return rx.hstack(button("listen", "headphones"), button("whisper", "mic"), button("barge", "phone-forwarded"),
                     spacing="2")


def _detail(label: str, value, testid: str, icon: str) -> rx.Component:
    return rx.hstack(rx.icon(icon, size=12, color=rx.color("gray", 10)),
                     rx.text(t(label), " ", value, size="1", color=rx.color("gray", 11), data_testid=testid),
                     spacing="1", align="center", title=t(label))


def _card(agent) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.text(agent.full_name, weight="medium"), rx.spacer(), state_badge(agent.state, size="1"),
                  width="100%", align="center"),
        rx.hstack(rx.text("Ext. ", agent.extension, size="1", color=rx.color("gray", 10)), rx.spacer(),
                  rx.cond(agent.since > 0, rx.hstack(rx.icon("timer", size=12, color=rx.color("gray", 10)),
                                                     elapsed(since=agent.since, data_testid="state-elapsed",
                                                             style={"fontSize": "12px", "fontVariantNumeric": "tabular-nums"}),
                                                     spacing="1", align="center",
                                                     title=t("voice.live.since"))),
                  width="100%", align="center"),
        rx.cond((agent.state == "PAUSED") & (agent.reason != ""),
                _detail("voice.live.reason", agent.reason, "agent-reason", "coffee")),
        rx.cond(agent.campaign != "", _detail("voice.live.campaign", agent.campaign, "agent-campaign", "megaphone")),
        rx.cond(agent.caller != "", _detail("voice.live.caller", agent.caller, "agent-caller", "phone")),
        rx.cond(agent.state == "IN_CALL", _coach_buttons(agent)),
        spacing="2", width="100%"), width="100%", data_testid="agent-card", data_name=agent.full_name)


def _column(state: str) -> rx.Component:
    shown = rx.foreach(VoiceState.agents, lambda a: rx.cond(a.state == state, _card(a)))
    return rx.vstack(
        rx.hstack(rx.box(width="10px", height="10px", border_radius="50%",
                         background=rx.color(STATE_COLOURS[state], 9)),
                  rx.text(t(f"voice.state.{state}"), weight="bold", size="2"), align="center"),
        shown, spacing="2", min_width="200px", width="100%", data_testid=f"column-{state}")


def _coaching_banner() -> rx.Component:
    return rx.cond(
        VoiceState.coaching_mode != "",
        rx.callout.root(rx.hstack(
            rx.callout.icon(rx.icon("mic")),
            rx.callout.text(rx.match(VoiceState.coaching_mode, ("listen", t("voice.coaching.listen")),
                                     ("barge", t("voice.coaching.barge")), t("voice.coaching.whisper")),
                            " ", VoiceState.coaching_agent, ". ",
                            rx.cond(VoiceState.coaching_live, "", t("voice.coaching.ringing"))),
            rx.spacer(),
            rx.button(rx.icon("square", size=14), t("voice.stop"), color_scheme="red", size="1",
                      on_click=VoiceState.stop_coach, data_testid="stop-coaching"),
            align="center", width="100%"), color_scheme="indigo", width="100%", data_testid="coaching-banner"))


def live_agents_page() -> rx.Component:
    return role_shell(
        page_header("voice.live.title", "voice.live.context", live_badge()),
        _coaching_banner(),
        rx.grid(*[_column(s) for s in STATES], columns="3", spacing="4", width="100%"))
