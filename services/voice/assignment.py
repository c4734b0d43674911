"""UC-RH-03: on-demand reassignment of agents between live campaigns, applied on the PBX at once.

Each live campaign has its queue `<slug>-campaign-<id>` (generated into the tenant's queues include; the
bridge regenerates and reloads it when a campaign's queue is not known yet). Moving
an agent: the campaign configurations change (services.campaigns.move_agent: new versions), the
agent leaves the queues of their other campaigns and joins the new one (QueueRemove/QueueAdd through
the bridge), and the agent is told on their page. Freeing an agent (dropped on "Agents libres") takes
them off every campaign and queue the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from services.campaigns.assignment import campaign_agents, live_campaigns, move_agent, release_agent
from services.supervision import supervision_overview
from services.identity.access import AuthContext, access_area
from services.notifications import notify_user
from services.voice.commands import PbxUnavailable, pbx_command
from services.voice.directory import extension_of
from services.voice.sip import campaign_queue, endpoint_name

FREE = "free"


@dataclass(frozen=True)
class BoardAgent:
    user_id: int
    name: str
    state: str


@dataclass(frozen=True)
class BoardColumn:
    key: str            # "campaign-<id>" or "free"
    title: str
    agents: list[BoardAgent] = field(default_factory=list)


def assignment_board(ctx: AuthContext) -> list[BoardColumn]:
    """The free agents (on no live campaign) first, the pool to draw from, then a column per live campaign."""
    overview = supervision_overview(ctx)

    def card(user_id: int) -> BoardAgent:
        return BoardAgent(user_id, overview.names[user_id], overview.states[user_id])

    placed = {u for campaign in overview.campaigns for u in campaign.agents}
    return [BoardColumn(FREE, "", [card(u) for u in overview.names if u not in placed])] + [
        BoardColumn(f"campaign-{c.id}", c.name, [card(u) for u in c.agents]) for c in overview.campaigns]


def reassign_agent(ctx: AuthContext, user_id: int, to_campaign_id: int) -> list[str]:
    """Move the agent to the campaign; returns warnings (agent in a call: effective at its end)."""
    access_area(ctx, "supervision")
    target = next((c for c in live_campaigns(ctx) if c.id == to_campaign_id), None)
    if target is None:
        raise LookupError("Cette campagne n'est plus en cours.")
    before = _live_campaigns_of(ctx, user_id)
    warnings = move_agent(ctx, user_id, to_campaign_id)
    _follow_on_the_pbx(ctx, user_id, leave=before - {to_campaign_id}, join=to_campaign_id)
    notify_user(ctx.tenant_id, user_id, f"Vous êtes affecté à la campagne « {target.name} ».")
    return warnings


def free_agent(ctx: AuthContext, user_id: int) -> list[str]:
    """Take the agent off every campaign and its queue; returns warnings as reassign_agent."""
    access_area(ctx, "supervision")
    before = _live_campaigns_of(ctx, user_id)
    warnings = release_agent(ctx, user_id)
    _follow_on_the_pbx(ctx, user_id, leave=before - _live_campaigns_of(ctx, user_id, staying_only=True))
    notify_user(ctx.tenant_id, user_id, "Vous n'êtes plus affecté à aucune campagne.")
    return warnings


def _live_campaigns_of(ctx: AuthContext, user_id: int, staying_only: bool = False) -> set[int]:
    """The live campaigns the agent works on (`staying_only`: but those they leave after their call)."""
    return {c.id for c in live_campaigns(ctx)
            if user_id in {a.user_id for a in campaign_agents(ctx, c.id)
                           if not (staying_only and a.pending_removal)}}


def _follow_on_the_pbx(ctx: AuthContext, user_id: int, leave: set[int], join: int | None = None) -> None:
    """QueueRemove from the campaigns left, QueueAdd to the one joined (nothing without an extension)."""
    extension = extension_of(ctx, user_id)
    if not extension:
        return
    endpoint = endpoint_name(ctx.tenant_slug, extension)
    for campaign_id in sorted(leave):
        _ignore_absent(lambda: pbx_command("queue_remove", queue=campaign_queue(ctx.tenant_slug, campaign_id),
                                           endpoint=endpoint), "Not there", "No such queue")
    if join is not None:
        _ignore_absent(lambda: pbx_command("queue_add", queue=campaign_queue(ctx.tenant_slug, join),
                                           endpoint=endpoint, member_name=str(user_id)), "Already there")


def _ignore_absent(command, *harmless: str) -> None:
    try:
        command()
    except PbxUnavailable as error:
        if not any(h in str(error) for h in harmless):
            raise
