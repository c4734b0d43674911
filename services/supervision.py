"""The supervisor's home: the agents by state and the live campaigns with who works on them."""
from __future__ import annotations

from dataclasses import dataclass

from services.campaigns.assignment import campaign_agents, tenant_agents
from services.campaigns.lifecycle import list_campaigns
from services.identity.access import AuthContext, access_area
from services.models.campaigns import CampaignStatus
from services.voice.presence import AgentState, agent_states


@dataclass(frozen=True)
class CampaignGlance:
    id: int
    name: str
    channels: list[str]
    progress: int          # percent of the contacts done
    contacts: int
    agents: list[int]      # who works on it now


@dataclass(frozen=True)
class SupervisionOverview:
    states: dict[int, str]             # every agent of the tenant -> AgentState value
    campaigns: list[CampaignGlance]


def supervision_overview(ctx: AuthContext) -> SupervisionOverview:
    access_area(ctx, "supervision")
    known = agent_states(ctx.tenant_id)
    states = {a.user_id: known.get(a.user_id, {}).get("state", AgentState.LOGGED_OUT.value)
              for a in tenant_agents(ctx)}
    campaigns = [CampaignGlance(row.id, row.name, row.channels, row.progress, row.contacts,
                                [a.user_id for a in campaign_agents(ctx, row.id)
                                 if not a.pending_removal and a.user_id in states])
                 for row in list_campaigns(ctx, status=CampaignStatus.LIVE.value)]
    return SupervisionOverview(states, campaigns)
