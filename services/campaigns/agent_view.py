"""What an agent's page shows of its campaigns: the current script, form and codes."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlmodel import select

from services.campaigns.config import normalized
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.live import campaign_topic
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus


@dataclass(frozen=True)
class AgentCampaign:
    id: int
    name: str
    status: str
    version: int
    script: str
    fields: list[dict]
    codes: list[dict]
    topic: str


def agent_campaign(tenant_id: int, campaign: Campaign) -> AgentCampaign:
    config = normalized(campaign.config)
    return AgentCampaign(campaign.id, campaign.name, campaign.status, campaign.version,
                         config["channels"]["voice"]["script"], config["form"]["fields"], config["codes"],
                         campaign_topic(tenant_id, campaign.id))


def shown_to_agents(status: str) -> bool:
    return status in (CampaignStatus.LIVE.value, CampaignStatus.EN_PAUSE.value)


def agent_campaign_payload(tenant_id: int, campaign: Campaign) -> dict:
    """What a live event carries so that every open agent page applies a new version without
    reading the database (one read by the publisher instead of one per tab)."""
    return dataclasses.asdict(agent_campaign(tenant_id, campaign))


def agent_campaigns(ctx: AuthContext) -> list[AgentCampaign]:
    """The LIVE or paused campaigns the agent works on (a pending removal still counts)."""
    access_area(ctx, "agent_panel")
    with tenant_session(ctx) as session:
        campaigns = session.exec(select(Campaign).join(
            CampaignAgent, CampaignAgent.campaign_id == Campaign.id).where(
            CampaignAgent.user_id == ctx.user_id,
            Campaign.status.in_([CampaignStatus.LIVE.value, CampaignStatus.EN_PAUSE.value]))
            .order_by(Campaign.name))
        return [agent_campaign(ctx.tenant_id, c) for c in campaigns]
