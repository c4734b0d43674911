"""The agent's campaigns on its page: script, form and codes, reloaded live (UC-CP-02)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState
from services.campaigns.agent_view import agent_campaigns
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
        self.campaigns = [AgentCampaignRow(
            c.id, c.name, c.status, c.version, c.script,
            [AgentFieldRow(f["key"], f["label"], f["type"], f["required"], f["options"])
             for f in c.fields],
            [AgentCodeRow(x["code"], x["label"] or x["code"]) for x in c.codes])
            for c in found]

    def _on_live(self, event) -> None:
        """A campaign of this agent changed (or the agent was added/removed): reload."""
        ctx = self._context()
        if ctx is not None:
            self._reload(ctx)
