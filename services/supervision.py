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
    names: dict[int, str]              # every agent of the tenant -> full name, in name order
    campaigns: list[CampaignGlance]    # the live ones, by name


def team_states(ctx: AuthContext) -> tuple[dict[int, str], dict[int, str]]:
    """Every agent of the tenant -> its state (LOGGED_OUT when unknown), and -> its name."""
    access_area(ctx, "supervision")
    known = agent_states(ctx.tenant_id)
    names = {a.user_id: a.name for a in tenant_agents(ctx)}
    return {u: known.get(u, {}).get("state", AgentState.LOGGED_OUT.value) for u in names}, names


def supervision_overview(ctx: AuthContext) -> SupervisionOverview:
    states, names = team_states(ctx)
    live = sorted(list_campaigns(ctx, status=CampaignStatus.LIVE.value), key=lambda row: row.name)
    campaigns = [CampaignGlance(row.id, row.name, row.channels, row.progress, row.contacts,
                                [a.user_id for a in campaign_agents(ctx, row.id)
                                 if not a.pending_removal and a.user_id in states])
                 for row in live]
    return SupervisionOverview(states, names, campaigns)
