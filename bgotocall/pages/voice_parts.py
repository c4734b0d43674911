"""Pieces the voice pages share: the agent state badge (colours of notes/ui.md) and the live badge."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t

STATE_COLOURS = {"READY": "green", "RINGING": "blue", "IN_CALL": "red", "WRAP_UP": "orange",
                 "PAUSED": "gray", "LOGGED_OUT": "gray"}


def state_colour(state, shade: int = 9) -> rx.Var:
    """The colour of a state (a Var of the page); logged-out agents in a paler grey."""
    return rx.match(state, *[(k, rx.color(c, shade if k != "LOGGED_OUT" else 6)) for k, c in STATE_COLOURS.items()],
                    rx.color("gray", 6))


def state_label(state) -> rx.Component:
    return rx.match(state, *[(s, t(f"voice.state.{s}")) for s in STATE_COLOURS], t("voice.state.LOGGED_OUT"))


def state_badge(state, size: str = "2", **props) -> rx.Component:
    return rx.match(
        state,
        *[(s, rx.badge(t(f"voice.state.{s}"), color_scheme=c, size=size,
                       variant="outline" if s == "LOGGED_OUT" else "soft", **props))
          for s, c in STATE_COLOURS.items()],
        rx.badge(t("voice.state.LOGGED_OUT"), color_scheme="gray", size=size, **props),
    )


def live_badge() -> rx.Component:
    return rx.badge(rx.box(width="8px", height="8px", border_radius="50%", background=rx.color("green", 9)),
                    t("voice.live"), color_scheme="green", variant="surface", data_testid="live-badge")


class KeyShortcut(rx.Fragment):
    """Pressing `key` anywhere clicks the element with id `target` (agents' frequent actions)."""

    key: rx.Var[str]
    target: rx.Var[str]

    def add_hooks(self) -> list[str]:
        return [f"""useEffect(() => {{
  const onKey = (e) => {{ if (e.key === {self.key!s} && !e.repeat) {{ document.getElementById({self.target!s})?.click(); }} }};
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}}, []);"""]

    def add_imports(self):
        return {"react": ["useEffect"]}


_ELAPSED = """
function BgcElapsed({since, ...rest}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => { const id = setInterval(() => setNow(Date.now()), 1000); return () => clearInterval(id); }, []);
  const s = Math.max(0, Math.floor(now / 1000 - since));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0"), ss = String(s % 60).padStart(2, "0");
  return <span {...rest}>{s >= 3600 ? `${Math.floor(s / 3600)} h ${mm}` : `${Math.floor(s / 60)}:${ss}`}</span>;
}
"""


class Elapsed(rx.Component):
    """Time since `since` (epoch seconds), ticking every second in the browser: "2:05", "1 h 07"."""

    tag = "BgcElapsed"
    since: rx.Var[float]

    def add_imports(self):
        return {"react": ["useState", "useEffect"]}

    def add_custom_code(self) -> list[str]:
        return [_ELAPSED]


elapsed = Elapsed.create


def agent_status() -> rx.Component:
    """The agent's state on their panel, live, with "Je suis prêt" (F2) and a break with its reason."""
    from bgotocall.state.voice import VoiceState
    from services.tenant_settings import DEFAULT_PAUSE_REASONS

    state = VoiceState.my_state
    return rx.hstack(
        state_badge(state, size="3", data_testid="agent-status"),
        rx.cond(VoiceState.my_since > 0, elapsed(since=VoiceState.my_since, data_testid="my-elapsed",
                                                 style={"fontSize": "13px", "fontVariantNumeric": "tabular-nums",
                                                        "color": "var(--gray-11)"})),
        rx.cond((state == "WRAP_UP") | (state == "PAUSED"),
                rx.button(rx.icon("circle-check", size=14), t("voice.status.ready"), rx.code("F2", variant="outline", size="1"), size="1",
                          color_scheme="green", id="agent-ready", on_click=VoiceState.become_ready,
                          data_testid="agent-ready")),
        rx.cond(state == "READY",
                rx.menu.root(rx.menu.trigger(rx.button(rx.icon("coffee", size=14), t("voice.status.pause"), size="1",
                                                       variant="soft", color_scheme="gray",
                                                       data_testid="agent-pause")),
                             rx.menu.content(rx.foreach(VoiceState.pause_reasons, lambda r: rx.menu.item(
                                 # the default reasons follow the language; the tenant's own as written
                                 rx.match(r, *[(d, t(f"voice.pause.{d}")) for d in DEFAULT_PAUSE_REASONS], r),
                                 on_click=VoiceState.take_break(r), data_testid="pause-reason"))),
                             on_open_change=VoiceState.load_pause_reasons)),
        KeyShortcut.create(key="F2", target="agent-ready"),
        spacing="3", align="center", on_mount=VoiceState.load_my_state)
