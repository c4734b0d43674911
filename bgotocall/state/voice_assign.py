"""UC-RH-03: the on-demand assignment board (a column per live campaign, one for free agents)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.state.session import SessionState
from services.campaigns.store import CampaignError
from services.voice.assignment import FREE, assignment_board, free_agent, reassign_agent
from services.voice.commands import PbxUnavailable


@dataclasses.dataclass
class CardItem:
    key: str
    user_id: int
    name: str
    state: str


@dataclasses.dataclass
class ColumnItem:
    key: str
    title: str
    agents: list[CardItem]


class AssignState(SessionState):
    columns: list[ColumnItem] = []

    def _load(self, ctx) -> None:
        # an agent on two campaigns has a card in each: the card's id names its column too (dnd-kit needs it unique)
        self.columns = [ColumnItem(c.key, c.title, [CardItem(f"agent-{a.user_id}@{c.key}", a.user_id, a.name, a.state)
                                                    for a in c.agents]) for c in assignment_board(ctx)]

    @rx.event
    def load_board(self):
        ctx = self._authorize("supervision", "assignment_board")
        if ctx:
            self._load(ctx)

    @rx.event
    def move(self, agent_key: str, zone_key: str):
        if not agent_key.startswith("agent-") or not (zone_key == FREE or zone_key.startswith("campaign-")):
            return None
        ctx = self._authorize("supervision", "reassign_agent")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        user_id = int(agent_key.removeprefix("agent-").partition("@")[0])
        try:
            if zone_key == FREE:
                warnings, done = free_agent(ctx, user_id), "Agent libéré de ses campagnes."
            else:
                warnings, done = reassign_agent(ctx, user_id, int(zone_key.removeprefix("campaign-"))), "Agent affecté."
        except (CampaignError, LookupError, PbxUnavailable, ValueError) as error:
            return rx.toast.error(str(error))
        self._load(ctx)
        return rx.toast.warning(" ".join(warnings)) if warnings else rx.toast.success(done)
