"""Campaign lifecycle (UC-CP-01, UC-CP-03): Brouillon → LIVE ("Propager l'OS") → En pause →
LIVE → Archivée; creation, duplication and the campaign list."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.campaigns.agent_view import agent_campaign_payload
from services.campaigns.assignment import staffed_agents, sync_agents
from services.campaigns.config import enabled_channels
from services.campaigns.preflight import gather_facts, preflight_problems
from services.campaigns.store import CampaignError, PreflightRefused, load_campaign
from services.campaigns.versions import validated
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.live import campaign_topic, publish, supervision_topic
from services.models.audience import ContactList
from services.models.campaigns import Campaign, CampaignStatus, CampaignVersion
from services.models.columns import utcnow

S = CampaignStatus
STATUS_LABELS = {S.BROUILLON.value: "Brouillon", S.LIVE.value: "LIVE",
                 S.EN_PAUSE.value: "En pause", S.ARCHIVEE.value: "Archivée"}
_MOVES = {  # action -> (allowed from, to)
    "launch": ({S.BROUILLON.value}, S.LIVE.value),
    "pause": ({S.LIVE.value}, S.EN_PAUSE.value),
    "resume": ({S.EN_PAUSE.value}, S.LIVE.value),
    "archive": ({S.BROUILLON.value, S.LIVE.value, S.EN_PAUSE.value}, S.ARCHIVEE.value),
}


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    status: str
    channels: list[str]
    progress: int  # percent
    contacts: int
    version: int
    updated_at: str


def create_campaign(ctx: AuthContext, config: dict) -> Campaign:
    """A new campaign in Brouillon with its first version."""
    access_area(ctx, "campaigns")
    config = validated(ctx, config)
    with tenant_session(ctx) as session:
        campaign = Campaign(name=config["name"], config=config, created_by=ctx.user_id)
        session.add(campaign)
        session.flush()
        session.add(CampaignVersion(campaign_id=campaign.id, number=1, config=config,
                                    changes=["Création de la campagne."],
                                    author_id=ctx.user_id, author_name=ctx.full_name))
        sync_agents(session, ctx.tenant_id, campaign.id, staffed_agents(session, config))
    return campaign


def check_campaign(ctx: AuthContext, campaign_id: int) -> list[str]:
    """The pre-flight result without launching (the wizard shows it before the button)."""
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        campaign = load_campaign(session, campaign_id)
        return preflight_problems(campaign.config,
                                  gather_facts(session, ctx.tenant_id, campaign.config, utcnow()))


def _move(ctx: AuthContext, campaign_id: int, action: str) -> Campaign:
    access_area(ctx, "campaigns")
    allowed, target = _MOVES[action]
    with tenant_session(ctx) as session:
        campaign = load_campaign(session, campaign_id, for_update=True)
        if campaign.status not in allowed:
            raise CampaignError(f"Impossible depuis l'état « {STATUS_LABELS[campaign.status]} ».")
        if target == S.LIVE.value:
            facts = gather_facts(session, ctx.tenant_id, campaign.config, utcnow())
            problems = preflight_problems(campaign.config, facts)
            if problems:
                raise PreflightRefused(problems)
            campaign.contacts_total = sum(facts.ready_lists.get(i, 0)
                                          for i in campaign.config.get("lists", []))
        if action == "launch":
            campaign.launched_by, campaign.launched_at = ctx.user_id, utcnow()
            campaign.launched_by_name = ctx.full_name
        campaign.status, campaign.updated_at = target, utcnow()
        session.add(campaign)
    publish(campaign_topic(ctx.tenant_id, campaign_id), "campaign_changed",
            campaign_id=campaign_id, version=campaign.version, status=campaign.status,
            campaign=agent_campaign_payload(ctx.tenant_id, campaign))
    publish(supervision_topic(ctx.tenant_id), "campaign_status", campaign_id=campaign_id, status=campaign.status)
    return campaign


def launch_campaign(ctx: AuthContext, campaign_id: int) -> Campaign:
    """"Propager l'OS": pre-flight, then LIVE; records who launched and when."""
    return _move(ctx, campaign_id, "launch")


def pause_campaign(ctx: AuthContext, campaign_id: int) -> Campaign:
    return _move(ctx, campaign_id, "pause")


def resume_campaign(ctx: AuthContext, campaign_id: int) -> Campaign:
    return _move(ctx, campaign_id, "resume")


def archive_campaign(ctx: AuthContext, campaign_id: int) -> Campaign:
    return _move(ctx, campaign_id, "archive")


def duplicate_campaign(ctx: AuthContext, campaign_id: int) -> Campaign:
    """A new Brouillon with the same configuration (the name says it is a copy)."""
    campaign = get_campaign(ctx, campaign_id)
    return create_campaign(ctx, {**campaign.config,
                                 "name": f"{campaign.config['name']} (copie)"[:200]})


def get_campaign(ctx: AuthContext, campaign_id: int) -> Campaign:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        return load_campaign(session, campaign_id)


def list_campaigns(ctx: AuthContext, search: str = "", status: str = "",
                   channel: str = "") -> list[CampaignRow]:
    access_area(ctx, "campaigns")
    query = select(Campaign).order_by(Campaign.updated_at.desc())
    if search.strip():
        query = query.where(Campaign.name.ilike(f"%{search.strip()}%"))
    if status:
        query = query.where(Campaign.status == status)
    with tenant_session(ctx) as session:
        campaigns = list(session.exec(query))
        sizes = dict(session.exec(select(ContactList.id, ContactList.accepted)).all())
    rows = []
    for c in campaigns:
        channels = enabled_channels(c.config) if c.config.get("channels") else []
        if channel and channel not in channels:
            continue
        total = c.contacts_total or sum(sizes.get(i, 0) for i in c.config.get("lists", []))
        rows.append(CampaignRow(c.id, c.name, c.status, channels,
                                min(100, 100 * c.contacts_done // total) if total else 0,
                                total, c.version, f"{c.updated_at:%d/%m/%Y %H:%M}"))
    return rows
