"""The wallboard (« Mur d'affichage »): today's figures and the team, kept live.

The agents' states and the waiting callers follow the supervision topic's events; the day's
figures are read again at most every FIGURES_EVERY seconds, on an event or the page's clock tick
(which also moves the longest wait on)."""
from __future__ import annotations

import time

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState
from bgotocall.state.supervision import apply_agent_state
from services.reporting.text import DASH, number, pct
import dataclasses

from services.wallboard import FIGURES_EVERY, DayFigures, QueueWait, agents_by_state, day_figures, oldest_wait, \
    queues_waiting, wait_seconds, wallboard


def clock(seconds: int) -> str:
    """A wait as the wall shows it: 2:05, 1:02:05."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclasses.dataclass
class QueueLine:
    queue: str
    waiting: int
    wait: str           # the longest wait, as the wall shows it


@receives("agent_state", "queue_waiting", through=":supervision")
class WallboardState(SessionState):
    states: dict[str, str] = {}          # agent user id -> state
    waiting: int = 0
    oldest_since: float = 0.0            # when the longest-waiting caller joined (0: nobody waits)
    queues: list[QueueWait] = []
    now: float = 0.0
    handled: str = DASH
    answered: str = DASH
    sla: str = DASH
    sent: str = DASH
    loaded: bool = False
    _since: dict[str, float] = {}
    _figures_at: float = 0.0

    @rx.event
    def load(self):
        ctx = self._authorize("supervision", "wallboard")
        if ctx is None:
            return
        wall = wallboard(ctx)
        self.states = {str(u): s for u, s in wall.states.items()}
        self._since = {}
        self.waiting, self.oldest_since, self.queues = wall.waiting, wall.oldest_since or 0.0, wall.queues
        self._show_figures(wall.figures)
        self.now, self.loaded = time.time(), True

    def _show_figures(self, figures: DayFigures) -> None:
        self.handled, self.sent = number(figures.calls_handled), number(figures.messages_sent)
        self.answered, self.sla = pct(figures.answered_pct), pct(figures.sla_pct)
        self._figures_at = time.time()

    def _refresh_figures(self) -> None:
        """The day's figures again, unless read less than FIGURES_EVERY seconds ago."""
        if time.time() - self._figures_at < FIGURES_EVERY:
            return
        ctx = self._authorize("supervision", "wallboard")
        if ctx is not None:
            self._show_figures(day_figures(ctx))

    def _on_live(self, event) -> None:
        if not self.loaded:
            return
        if event.kind == "agent_state":
            apply_agent_state(self.states, self._since, event.data)
        else:                                      # queue_waiting: the tenant's waiting callers now
            calls = event.data.get("calls") or []
            self.waiting, self.oldest_since = len(calls), oldest_wait(calls) or 0.0
            self.queues = queues_waiting(calls)
        self._refresh_figures()

    @rx.event
    def tick(self):
        if self.loaded:
            self.now = time.time()
            self._refresh_figures()

    @rx.var
    def agents(self) -> dict[str, int]:
        return agents_by_state(self.states.values())

    @rx.var
    def longest_wait(self) -> str:
        return clock(wait_seconds(self.oldest_since or None, self.now)) if self.waiting else DASH

    @rx.var
    def queue_lines(self) -> list[QueueLine]:
        return [QueueLine(q.queue, q.waiting, clock(wait_seconds(q.oldest_since, self.now))) for q in self.queues]
