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
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from services.campaigns.timebands import bands_from_config, is_open
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.live import publish, user_topic
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import Interaction, InteractionStatus
from services.voice.commands import PbxUnavailable, pbx_command
from services.voice.dialer import OUTSIDE_CONTACT_HOURS, PlannedCall, held_call, release_agent, requeue

OFFERED = "preview"
SKIPPED = "skipped"
NOT_OFFERED = "Cette fiche ne vous est pas proposée."
OUTSIDE_BANDS = ("Alerte conformité : hors des plages horaires autorisées de la campagne ou du contact. "
                 "L'appel n'est pas passé ; la fiche est reportée.")
SKIP_REASON_NEEDED = "Indiquez pourquoi vous passez cette fiche."
I = InteractionStatus


class PreviewRefused(ValueError):
    pass


def offer(call: PlannedCall) -> None:
    """The dialer's side: the claimed attempt is marked offered and its card sent to the agent."""
    from services.voice.screen_pop import screen_pop
    with tenant_session(system_context(call.tenant_id)) as session:
        session.execute(update(Interaction).where(Interaction.id == call.interaction_id,
                                                  Interaction.status == I.SENDING.value)
                        .values(outcome=OFFERED, updated_at=utcnow()))
        session.commit()
    publish(user_topic(call.tenant_id, call.agent_id), "call", phase="preview",
            **screen_pop(call.tenant_id, call.interaction_id))


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
    _free(ctx, row.id)


def skip_offered(ctx: AuthContext, interaction_id: int, reason: str) -> None:
    """« Passer » with the agent's reason: the attempt is closed, the next contact is offered."""
    reason = " ".join(reason.split())[:200]
    if len(reason) < 3:
        access_area(ctx, "agent_panel")
        raise PreviewRefused(SKIP_REASON_NEEDED)
    now = utcnow()
    _take(ctx, interaction_id, status=I.CANCELLED.value, outcome=SKIPPED, failed_at=now, ended_at=now,
          failure_reason=f"Passé par l'agent : {reason}")
    _free(ctx, interaction_id)


def _free(ctx: AuthContext, interaction_id: int) -> None:
    release_agent(ctx.tenant_id, ctx.user_id)
    pbx_command("preview_withdrawn", wait=None, tenant_id=ctx.tenant_id, interaction_id=interaction_id)
