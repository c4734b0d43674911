"""The supervisor's home, kept live by the agents' state changes."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState
from services.supervision import supervision_overview
from services.voice.inbound import waiting_calls

BUSY = ("RINGING", "IN_CALL")


def apply_agent_state(states: dict[str, str], since: dict[str, float], data: dict) -> None:
    """One agent's change (an `agent_state` event's data) onto a view's states, unless it is older
    than the state shown; one entry: the team is not rebuilt. Agents unknown to the view are ignored."""
    user, at = str(data.get("user_id")), data.get("since", 0.0)
    if user in states and at >= since.get(user, 0.0):
        states[user] = data["state"]
        since[user] = at


@dataclasses.dataclass
class CampaignLine:
    id: int
    name: str
    channels: list[str]
    progress: int
    contacts: int
    agents: int
    ready: int
    busy: int


@dataclasses.dataclass
class StateShare:
    state: str
    agents: int
    percent: float


@receives("agent_state", "campaign_status", through=":supervision")
class SupervisionState(SessionState):
    states: dict[str, str] = {}                  # agent user id -> state
    staffing: dict[str, list[str]] = {}          # campaign id -> its agents' ids
    campaigns_raw: list[CampaignLine] = []
    loaded: bool = False
    _since: dict[str, float] = {}                # agent user id -> time of the state shown

    @rx.event
    def load(self):
        ctx = self._authorize("supervision", "supervision_overview")
        if ctx is None:
            return
        overview = supervision_overview(ctx)
        self.states = {str(u): s for u, s in overview.states.items()}
        self._since = {}
        self.staffing = {str(c.id): [str(u) for u in c.agents] for c in overview.campaigns}
        self.campaigns_raw = [CampaignLine(c.id, c.name, c.channels, c.progress, c.contacts, len(c.agents), 0, 0)
                              for c in overview.campaigns]
        self.loaded = True

    def _on_live(self, event) -> None:
        if not self.loaded:
            return
        if event.kind == "campaign_status":        # launched, paused, restaffed: the list is read again
            self.load()
            return
        apply_agent_state(self.states, self._since, event.data)

    @rx.var
    def shares(self) -> list[StateShare]:
        """Agents per state, in the order of the working day, with their share of the team."""
        total = len(self.states) or 1
        order = ("READY", "RINGING", "IN_CALL", "WRAP_UP", "PAUSED", "LOGGED_OUT")
        counts = {s: sum(1 for v in self.states.values() if v == s) for s in order}
        return [StateShare(s, counts[s], round(100 * counts[s] / total, 1)) for s in order]

    @rx.var
    def ready_now(self) -> int:
        return sum(1 for state in self.states.values() if state == "READY")

    @rx.var
    def agents_total(self) -> int:
        return len(self.states)

    @rx.var
    def campaigns(self) -> list[CampaignLine]:
        def line(c: CampaignLine) -> CampaignLine:
            staff = [self.states.get(u, "LOGGED_OUT") for u in self.staffing.get(str(c.id), [])]
            return dataclasses.replace(c, ready=staff.count("READY"), busy=sum(s in BUSY for s in staff))
        return [line(c) for c in self.campaigns_raw]


@dataclasses.dataclass
class WaitingCall:
    phone: str
    queue: str
    campaign: str
    since: str          # HH:MM:SS when the caller joined the queue (UTC)
    vip: bool = False   # the campaign's VIP field marks the caller: moved ahead of the others


def _waiting(calls: list[dict]) -> list[WaitingCall]:
    """In the queues' order: VIP callers first (the PBX moved them ahead), then by arrival."""
    import datetime
    calls = sorted(calls, key=lambda c: (not c.get("vip"), c["since"]))
    return [WaitingCall(c["phone"], c["queue"], c.get("campaign") or "—",
                        datetime.datetime.fromtimestamp(c["since"], datetime.timezone.utc).strftime("%H:%M:%S"),
                        bool(c.get("vip")))
            for c in calls]


@receives("queue_waiting", through=":supervision")
class WaitingCallsState(SessionState):
    """Inbound callers waiting in the tenant's queues (services/voice/inbound.py), live."""
    waiting: list[WaitingCall] = []

    @rx.event
    def load(self):
        ctx = self._authorize("supervision", "waiting_calls")
        if ctx is not None:
            self.waiting = _waiting(waiting_calls(ctx))

    def _on_live(self, event) -> None:
        self.waiting = _waiting(event.data.get("calls") or [])
