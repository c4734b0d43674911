"""The wallboard, « Mur d'affichage »: big figures, high contrast, no sidebar — for a screen on the
wall, read from across the room (full screen on a click)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import language_switch
from bgotocall.i18n import t
from bgotocall.pages.voice_parts import live_badge, state_colour, state_label
from bgotocall.state.session import SessionState
from bgotocall.state.wallboard import WallboardState as W
from services.wallboard import WALL_STATES

INK = "#f8fafc"
MUTED = "#cbd5e1"
PANEL = "#111827"


def _tile(label_key: str, value, testid: str, accent: str = INK) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), font_size="1.6rem", color=MUTED, weight="medium"),
        rx.text(value, font_size="clamp(3rem, 7vw, 6.5rem)", weight="bold", color=accent, line_height="1",
                data_testid=testid),
        background=PANEL, border_radius="16px", padding="1.5rem 2rem", spacing="3", width="100%")


def _agents_tile(state: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.box(width="1.2rem", height="1.2rem", border_radius="50%", background=state_colour(state)),
                  rx.text(state_label(state), font_size="1.6rem", color=MUTED, weight="medium"), align="center"),
        rx.text(W.agents[state], font_size="clamp(3rem, 6vw, 5.5rem)", weight="bold", color=INK, line_height="1",
                data_testid=f"wall-agents-{state}"),
        background=PANEL, border_radius="16px", padding="1.5rem 2rem", spacing="3", width="100%",
        border_top_width="6px", border_top_style="solid", border_top_color=state_colour(state))


def _queues() -> rx.Component:
    """Per queue: how many callers wait and the longest wait (shown only while someone waits)."""
    line = lambda q: rx.hstack(
        rx.text(q.queue, font_size="1.8rem", color=INK, weight="medium"), rx.spacer(),
        rx.text(q.waiting, font_size="2.2rem", color=rx.color("amber", 9), weight="bold"),
        rx.text(q.wait, font_size="2.2rem", color=MUTED, weight="bold", min_width="7rem", text_align="right"),
        width="100%", align="center", spacing="6", data_testid="wall-queue")
    return rx.cond(W.queue_lines.length() > 0, rx.vstack(
        rx.text(t("wall.queues"), font_size="1.6rem", color=MUTED, weight="bold"),
        rx.foreach(W.queue_lines, line),
        background=PANEL, border_radius="16px", padding="1.5rem 2rem", spacing="2", width="100%"))


# the page is dark whatever the theme: its buttons are light outlines, readable from afar
_ON_DARK = {"background": "transparent", "color": INK, "border": f"1px solid {MUTED}",
            "cursor": "pointer"}


def _bar() -> rx.Component:
    return rx.hstack(
        rx.heading(t("wall.nav"), size="8", color=INK, data_testid="page-title"),
        rx.text(SessionState.tenant_name, font_size="1.6rem", color=MUTED, data_testid="company"),
        rx.text("· ", t("wall.today"), font_size="1.6rem", color=MUTED),
        live_badge(),
        rx.spacer(),
        rx.link(rx.button(rx.icon("arrow-left", size=16), t("wall.back"), style=_ON_DARK),
                href="/supervision"),
        rx.button(rx.icon("maximize", size=16), t("wall.fullscreen"), style=_ON_DARK,
                  on_click=rx.call_script("document.documentElement.requestFullscreen()"),
                  data_testid="wall-fullscreen"),
        language_switch(),
        width="100%", align="center", spacing="4")


def wallboard_page() -> rx.Component:
    return rx.vstack(
        _bar(),
        rx.grid(_tile("wall.handled", W.handled, "wall-handled"),
                _tile("wall.answered", W.answered, "wall-answered"),
                _tile("wall.sla", W.sla, "wall-sla"),
                columns="3", spacing="5", width="100%"),
        rx.grid(_tile("wall.waiting", W.waiting, "wall-waiting",
                      rx.cond(W.waiting > 0, rx.color("amber", 9), INK)),
                _tile("wall.longest", W.longest_wait, "wall-longest",
                      rx.cond(W.waiting > 0, rx.color("amber", 9), INK)),
                _tile("wall.sent", W.sent, "wall-sent"),
                columns="3", spacing="5", width="100%"),
        _queues(),
        rx.text(t("wall.agents"), font_size="1.6rem", color=MUTED, weight="bold"),
        rx.grid(*[_agents_tile(s) for s in WALL_STATES], columns="5", spacing="5", width="100%"),
        rx.moment(interval=1000, on_change=W.tick, display="none"),
        background="#030712", min_height="100vh", width="100%", padding="2rem 2.5rem", spacing="5",
        aria_label=t("wall.context"), data_testid="wallboard")
