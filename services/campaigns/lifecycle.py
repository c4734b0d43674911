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
from services.identity.system import system_context
from services.live import campaign_topic, publish, supervision_topic
from services.messaging.report import settled_attempts
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


@dataclass(frozen=True)
class LaunchPreview:
    """What « Propager l'OS » will do, said before it is done."""
    contacts: int
    agents: int
    channels: list[str]  # "voice", "sms", ...


def launch_preview(ctx: AuthContext, campaign_id: int) -> LaunchPreview:
    """The contacts, agents and channels a launch puts to work; PreflightRefused as the launch would."""
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        campaign = load_campaign(session, campaign_id)
        facts = gather_facts(session, ctx.tenant_id, campaign.config, utcnow())
    problems = preflight_problems(campaign.config, facts)
    if problems:
        raise PreflightRefused(problems)
    return LaunchPreview(contacts=_contacts_of(campaign.config, facts), agents=facts.staffed_agents,
                         channels=enabled_channels(campaign.config))


def _contacts_of(config: dict, facts) -> int:
    return sum(facts.ready_lists.get(i, 0) for i in config.get("lists", []))


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
            campaign.contacts_total = _contacts_of(campaign.config, facts)
        if action == "launch":
            campaign.launched_by, campaign.launched_at = ctx.user_id, utcnow()
            campaign.launched_by_name = ctx.full_name
        campaign.status, campaign.updated_at = target, utcnow()
        campaign.pause_reason = ""
        session.add(campaign)
    if target == S.LIVE.value:
        _start_sending(ctx.tenant_id)
    if target == S.ARCHIVEE.value:
        _cancel_queued(ctx, campaign_id)
    if target in (S.EN_PAUSE.value, S.ARCHIVEE.value):
        _withdraw_offers(ctx.tenant_id, campaign, archived=target == S.ARCHIVEE.value)
    _announce(ctx.tenant_id, campaign)
    return campaign


def _start_sending(tenant_id: int) -> None:
    """LIVE starts the sending automata now rather than at the scheduler's next tick."""
    from services.workers.messaging import sequence_and_send

    sequence_and_send.send(tenant_id)


def _cancel_queued(ctx: AuthContext, campaign_id: int) -> None:
    """An archived campaign sends nothing more; what waited says why it never went out."""
    from sqlalchemy import update

    from services.models.interactions import Interaction, InteractionStatus

    with tenant_session(ctx) as session:
        session.execute(update(Interaction).where(
            Interaction.campaign_id == campaign_id,
            Interaction.status == InteractionStatus.QUEUED.value).values(
            status=InteractionStatus.CANCELLED.value, updated_at=utcnow(),
            failure_reason="Campagne archivée avant l'envoi."))


def _withdraw_offers(tenant_id: int, campaign: Campaign, archived: bool) -> None:
    """The records offered to agents (preview mode) go back: closed if archived, due again once relaunched."""
    from services.voice.preview import withdraw_offers

    state = "archivée" if archived else "en pause"
    withdraw_offers(tenant_id, campaign.id, closed_because="Campagne archivée avant l'appel." if archived else "",
                    notice=f"La fiche proposée est retirée : la campagne « {campaign.name} » est {state}.")


def _announce(tenant_id: int, campaign: Campaign) -> None:
    from services.voice.queue_members import queues_changed
    queues_changed(system_context(tenant_id).tenant_slug, campaign.config)
    publish(campaign_topic(tenant_id, campaign.id), "campaign_changed",
            campaign_id=campaign.id, version=campaign.version, status=campaign.status,
            campaign=agent_campaign_payload(tenant_id, campaign))
    publish(supervision_topic(tenant_id), "campaign_status", campaign_id=campaign.id,
            status=campaign.status)


def pause_for_empty_wallet(ctx: AuthContext, campaign_id: int, reason: str) -> bool:
    """The sending engine met an empty Smart Wallet: the campaign is paused with the reason
    (shown on its page) and the admins are told once; False when it was no longer LIVE."""
    with tenant_session(ctx) as session:
        campaign = load_campaign(session, campaign_id, for_update=True)
        if campaign.status != S.LIVE.value:
            return False
        campaign.status, campaign.updated_at = S.EN_PAUSE.value, utcnow()
        campaign.pause_reason = f"Mise en pause automatique : {reason}"[:500]
        session.add(campaign)
    _withdraw_offers(ctx.tenant_id, campaign, archived=False)
    _announce(ctx.tenant_id, campaign)
    _tell_admins(ctx.tenant_id, campaign)
    return True


def _tell_admins(tenant_id: int, campaign: Campaign) -> None:
    from sqlmodel import select as select_platform

    from services.db.engine import platform_session
    from services.messaging.email import send_email
    from services.models.platform import Role, User
    from services.providers.email import EmailMessage

    with platform_session() as s:
        admins = list(s.exec(select_platform(User.email).where(
            User.tenant_id == tenant_id, User.role == Role.ADMIN.value, User.is_active)))
    for email in admins:
        send_email(EmailMessage(
            to=email, subject=f"Campagne « {campaign.name} » mise en pause",
            text=(f"Bonjour,\n\nLa campagne « {campaign.name} » a été mise en pause : "
                  f"{campaign.pause_reason}\nRechargez le Smart Wallet puis relancez-la "
                  "depuis sa page.\n"), tags={"kind": "campaign_paused"}))


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
        messages = settled_attempts(session, [c.id for c in campaigns])
    rows = []
    for c in campaigns:
        channels = enabled_channels(c.config) if c.config.get("channels") else []
        if channel and channel not in channels:
            continue
        total = c.contacts_total or sum(sizes.get(i, 0) for i in c.config.get("lists", []))
        progress = min(100, 100 * c.contacts_done // total) if total else 0
        if "voice" not in channels and c.id in messages:  # a messaging campaign: its attempts
            settled, attempts = messages[c.id]
            progress = 100 * settled // attempts
        rows.append(CampaignRow(c.id, c.name, c.status, channels, progress,
                                total, c.version, f"{c.updated_at:%d/%m/%Y %H:%M}"))
    return rows
