"""Who takes a queue's calls first (UC-VO-02, « compétences »): each queue's members and their penalties.

Invariant: every active agent of the tenant is a member of its general queue (penalty 0), and every agent
staffed on a live or paused campaign is a member of that campaign's queue with the penalty their level in
the campaign's required skill gives (level 5 → 0 … level 1 → 4; without that skill → 5; no skill asked →
0). Asterisk rings the free member of the lowest penalty first, so the most skilled free agent takes the
call, and a less skilled one only when the experts are busy.

Process: the pbx bridge compares this with the PBX's members (QueueStatus) and adds the missing ones
(QueueAdd with their penalty) or corrects a penalty (QueuePenalty), after a (re)login and whenever the
tenant's agents, numbers, IVR menus or campaigns change (services/voice/bridge.py `_join_queues`).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus
from services.models.platform import Role, User
from services.models.voice import AgentProfile, AgentSkill
from services.voice.sip import campaign_queue, endpoint_name, sales_queue

TOP_LEVEL = 5


@dataclass(frozen=True)
class Seat:
    """One agent's place in one queue."""
    name: str            # the member name Asterisk shows (the sales queue: the agent's name; a campaign: user id)
    penalty: int


def skill_penalty(skill: str, level: int | None) -> int:
    """0 for the experts (or when no skill is asked), up to 5 for an agent without the skill."""
    if not skill:
        return 0
    return TOP_LEVEL - level if level else TOP_LEVEL


def wanted_members(tenant_id: int, tenant_slug: str) -> dict[str, dict[str, Seat]]:
    """queue -> endpoint -> seat, for the tenant's general queue and its live or paused campaigns."""
    with tenant_session(system_context(tenant_id)) as s:
        agents = s.exec(select(AgentProfile.user_id, AgentProfile.extension, User.full_name)
                        .join(User, User.id == AgentProfile.user_id)
                        .where(User.is_active, User.role == Role.AGENT.value)).all()
        campaigns = s.exec(select(Campaign.id, Campaign.config).where(Campaign.status.in_(
            [CampaignStatus.LIVE.value, CampaignStatus.EN_PAUSE.value]))).all()
        staffed = s.exec(select(CampaignAgent.campaign_id, CampaignAgent.user_id)
                         .where(CampaignAgent.pending_removal.is_(False))).all()
        levels = {(user_id, skill): level for user_id, skill, level in
                  s.exec(select(AgentSkill.user_id, AgentSkill.skill, AgentSkill.level)).all()}
    extension = {user_id: ext for user_id, ext, _ in agents}
    wanted = {sales_queue(tenant_slug): {endpoint_name(tenant_slug, ext): Seat(name, 0)
                                         for _, ext, name in agents}}
    skills = {cid: (config.get("channels", {}).get("voice", {}).get("skill") or "") for cid, config in campaigns}
    for campaign_id, user_id in staffed:
        if campaign_id in skills and user_id in extension:
            skill = skills[campaign_id]
            wanted.setdefault(campaign_queue(tenant_slug, campaign_id), {})[
                endpoint_name(tenant_slug, extension[user_id])] = Seat(
                str(user_id), skill_penalty(skill, levels.get((user_id, skill))))
    return wanted


def queues_changed(tenant_slug: str, config: dict | None = None) -> None:
    """Tell the bridge the tenant's queues changed (a campaign taking calls launched, paused or saved, a
    skill level changed): it rewrites the includes, reloads and re-seats the agents. `config`: the
    campaign's, when only a campaign with calls matters."""
    from services.voice.commands import pbx_command
    if config is None or config.get("channels", {}).get("voice", {}).get("enabled"):
        pbx_command("queues_changed", wait=None, tenant_slug=tenant_slug)
