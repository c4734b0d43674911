"""Preview mode (UC-VO-01): the agent sees the contact's card before the call and decides.

Invariant: only the agent an attempt was offered to can call or skip it, and only while it is offered
(status SENDING, outcome "preview", the agent's held call): another agent, a forged id, an offer already
decided are refused. The offered mark is cleared by one conditional UPDATE, so a double click
originates once. « Appeler » outside the campaign's time bands (its zone, and the contact's when asked)
is refused with a compliance alert and nothing is originated.

Process: the dialer in the pbx bridge claims the attempt as for a progressive call, marks it offered
(`offer`) and pushes the screen pop with phase "preview"; « Appeler » (`call_offered`) clears the mark and
asks the bridge to originate it, agent first as in progressive mode; « Passer » (`skip_offered`) closes
it CANCELLED with the agent's reason, frees the agent, and the bridge offers the next contact.
An offer lives only while its campaign is LIVE and the agent works on it: `offer` marks nothing for a
campaign stopped meanwhile, and pausing or archiving the campaign, or taking the agent off it, withdraws
the offer (`withdraw_offers`): due again for anyone, or closed on archiving, and the agent freed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select, update

from services.campaigns.timebands import bands_from_config, is_open
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.live import publish, user_topic
from services.models.campaigns import Campaign, CampaignAgent, CampaignStatus
from services.models.columns import utcnow
from services.models.interactions import Interaction, InteractionStatus
from services.voice.commands import PbxUnavailable, pbx_command
from services.voice.dialer import OUTSIDE_CONTACT_HOURS, PlannedCall, given_back, held_call, release_agent, requeue

OFFERED = "preview"
SKIPPED = "skipped"
NOT_OFFERED = "Cette fiche ne vous est pas proposée."
OUTSIDE_BANDS = ("Alerte conformité : hors des plages horaires autorisées de la campagne ou du contact. "
                 "L'appel n'est pas passé ; la fiche est reportée.")
SKIP_REASON_NEEDED = "Indiquez pourquoi vous passez cette fiche."
I = InteractionStatus


class PreviewRefused(ValueError):
    pass


def offer(call: PlannedCall) -> bool:
    """The dialer's side: the claimed attempt is marked offered and its card sent to the agent; False
    (nothing offered) when the campaign stopped or the agent left it since the claim."""
    from services.voice.screen_pop import screen_pop
    still_staffed = exists().where(Campaign.id == Interaction.campaign_id,
                                   Campaign.status == CampaignStatus.LIVE.value,
                                   CampaignAgent.campaign_id == Campaign.id,
                                   CampaignAgent.user_id == call.agent_id,
                                   CampaignAgent.pending_removal.is_(False))
    with tenant_session(system_context(call.tenant_id)) as session:
        marked = session.execute(update(Interaction).where(Interaction.id == call.interaction_id,
                                                           Interaction.status == I.SENDING.value, still_staffed)
                                 .values(outcome=OFFERED, updated_at=utcnow())).rowcount
        session.commit()
    if marked:
        publish(user_topic(call.tenant_id, call.agent_id), "call", phase="preview",
                **screen_pop(call.tenant_id, call.interaction_id))
    return bool(marked)


def withdraw_offers(tenant_id: int, campaign_id: int, agent_ids: set[int] | None = None, *,
                    closed_because: str = "", notice: str = "") -> int:
    """The campaign's offered records (of `agent_ids` only, when given) are taken back: due again at once for
    anyone, or closed CANCELLED `closed_because`; each agent is freed for their next record, their panel drops
    the card (and shows `notice`). Returns how many."""
    from services.notifications import notify_user
    now = utcnow()
    offered = select(Interaction.id, Interaction.agent_id).where(
        Interaction.campaign_id == campaign_id, Interaction.status == I.SENDING.value, Interaction.outcome == OFFERED)
    if agent_ids is not None:
        offered = offered.where(Interaction.agent_id.in_(agent_ids))
    taken_back = {**given_back(now), "outcome": ""} if not closed_because else dict(
        status=I.CANCELLED.value, outcome="", failed_at=now, ended_at=now, failure_reason=closed_because,
        updated_at=now)
    with tenant_session(system_context(tenant_id)) as session:
        withdrawn = session.execute(offered.with_for_update()).all()
        session.execute(update(Interaction).where(Interaction.id.in_([i for i, _ in withdrawn])).values(**taken_back))
        session.commit()
    for interaction_id, agent_id in withdrawn:
        _free(tenant_id, agent_id, interaction_id)
        publish(user_topic(tenant_id, agent_id), "call", phase="ended", interaction_id=interaction_id,
                answered=False, label="Fiche retirée")
        if notice:
            notify_user(tenant_id, agent_id, notice)
    return len(withdrawn)


def _take(ctx: AuthContext, interaction_id: int, **values) -> Interaction:
    """Clear the offered mark of the agent's own offer (once); PermissionError for anything else."""
    access_area(ctx, "agent_panel")
    if held_call(ctx.tenant_id, ctx.user_id) != interaction_id:
        raise PermissionError(NOT_OFFERED)
    with tenant_session(ctx) as session:
        row = session.execute(
            update(Interaction).where(Interaction.id == interaction_id, Interaction.agent_id == ctx.user_id,
                                      Interaction.status == I.SENDING.value, Interaction.outcome == OFFERED)
            .values(updated_at=utcnow(), **values).returning(Interaction)).scalars().first()
        session.commit()
    if row is None:
        raise PermissionError(NOT_OFFERED)
    return row


def _may_call_now(ctx: AuthContext, row: Interaction, now: datetime) -> bool:
    with tenant_session(ctx) as session:
        campaign = session.get(Campaign, row.campaign_id)
    return campaign is not None and is_open(bands_from_config(campaign.config), now, row.address)


def call_offered(ctx: AuthContext, interaction_id: int, now: datetime | None = None) -> None:
    """« Appeler »: the offered contact is dialled (agent first) by the bridge."""
    now = now or utcnow()
    row = _take(ctx, interaction_id, outcome="")
    if not _may_call_now(ctx, row, now):
        _give_back(ctx, row, now + timedelta(minutes=30), OUTSIDE_CONTACT_HOURS)
        raise PreviewRefused(OUTSIDE_BANDS)
    try:
        pbx_command("preview_call", tenant_id=ctx.tenant_id, interaction_id=interaction_id)
    except PbxUnavailable:              # the bridge lost the offer (restart): due again at once
        _give_back(ctx, row, now, "")
        raise


def _give_back(ctx: AuthContext, row: Interaction, due: datetime, reason: str) -> None:
    """Not dialled after all: the attempt is due again at `due`, the agent is free."""
    requeue(ctx, row.id, due, reason)
    _free(ctx.tenant_id, ctx.user_id, row.id)


def skip_offered(ctx: AuthContext, interaction_id: int, reason: str) -> None:
    """« Passer » with the agent's reason: the attempt is closed, the next contact is offered."""
    reason = " ".join(reason.split())[:200]
    if len(reason) < 3:
        access_area(ctx, "agent_panel")
        raise PreviewRefused(SKIP_REASON_NEEDED)
    now = utcnow()
    _take(ctx, interaction_id, status=I.CANCELLED.value, outcome=SKIPPED, failed_at=now, ended_at=now,
          failure_reason=f"Passé par l'agent : {reason}")
    _free(ctx.tenant_id, ctx.user_id, interaction_id)


def _free(tenant_id: int, agent_id: int, interaction_id: int) -> None:
    """The offer is over: its agent no longer held for it, the bridge offers them the next record."""
    if held_call(tenant_id, agent_id) == interaction_id:
        release_agent(tenant_id, agent_id)
    pbx_command("preview_withdrawn", wait=None, tenant_id=tenant_id, interaction_id=interaction_id)
