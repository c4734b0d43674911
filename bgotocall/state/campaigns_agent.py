"""The agent's campaigns on its page: script, form and codes, reloaded live (UC-CP-02)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState
from services.campaigns.agent_view import AgentCampaign, agent_campaigns, shown_to_agents
from services.live import subscribe


@dataclasses.dataclass
class AgentFieldRow:
    key: str
    label: str
    type: str
    required: bool
    options: list[str]


@dataclasses.dataclass
class AgentCodeRow:
    code: str
    label: str


@dataclasses.dataclass
class AgentCampaignRow:
    id: int
    name: str
    status: str
    version: int
    script: str
    fields: list[AgentFieldRow]
    codes: list[AgentCodeRow]


@receives("campaign_changed")
class AgentCampaignsState(SessionState):
    campaigns: list[AgentCampaignRow] = []

    @rx.event
    def load_agent_campaigns(self):
        ctx = self._authorize("agent_panel", "load_agent_campaigns")
        if ctx is not None:
            self._reload(ctx)

    def _reload(self, ctx) -> None:
        found = agent_campaigns(ctx)
        subscribe(self.router.session.client_token, [c.topic for c in found])
        self.campaigns = [_row(c) for c in found]

    def _on_live(self, event) -> None:
        """A campaign of this agent changed: the event carries the new version, applied here
        without a database read. The agent added or removed (no payload): reload."""
        payload = event.data.get("campaign")
        if payload is None:
            ctx = self._context()
            if ctx is not None:
                self._reload(ctx)
            return
        fresh = AgentCampaign(**payload)
        at = next((i for i, row in enumerate(self.campaigns) if row.id == fresh.id), None)
        if at is None:
            return          # not one of this tab's campaigns any more
        if not shown_to_agents(fresh.status):
            del self.campaigns[at]
        elif fresh.version >= self.campaigns[at].version:
            self.campaigns[at] = _row(fresh)


def _row(c: AgentCampaign) -> AgentCampaignRow:
    return AgentCampaignRow(
        c.id, c.name, c.status, c.version, c.script,
        [AgentFieldRow(f["key"], f["label"], f["type"], f["required"], f["options"]) for f in c.fields],
        [AgentCodeRow(x["code"], x["label"] or x["code"]) for x in c.codes])
