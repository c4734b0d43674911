"""« Messages vocaux »: what saturated callers left for the campaign's team (supervision, UC-VO-02).

Invariant: a message is an inbound call whose outcome is « voicemail », with its recording; it is a task
while the call is ENDED, and « Traité » closes it as a qualification does (WRAPPED_UP, the code
MESSAGE_TRAITE, who handled it and when), once: a message already handled is refused. A callback a caller
asked for (outcome « callback ») is listed beside, read-only, while its outbound attempt waits for a free
agent (the dialer dials it: services/voice/dialer.py `request_callback`). Only the tenant's admins and
supervisors read or handle them (area « supervision »), checked here on every call.
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import Direction, Interaction, InteractionStatus as I
from services.tenant_settings import operating_settings
from services.voice.dialer import CALLBACK_SLOT
from services.voice.inbound import CALLBACK, VOICEMAIL

HANDLED_CODE = "MESSAGE_TRAITE"
HANDLED_BY = "Traité par"
LIMIT = 200


@dataclass(frozen=True)
class CallerTask:
    interaction_id: int
    kind: str               # "voicemail" or "callback"
    phone: str
    name: str               # the identified contact's, else ""
    campaign: str           # "" for the general queue
    at: str                 # when the caller called, the tenant's local time (dd/mm/yyyy HH:MM)
    seconds: int            # the message's duration
    has_recording: bool


def caller_tasks(ctx: AuthContext) -> list[CallerTask]:
    """The messages to handle and the callbacks still to dial, newest first."""
    access_area(ctx, "supervision")
    zone = ZoneInfo(operating_settings(ctx).timezone)
    attempt = aliased(Interaction)
    waiting_callback = select(attempt.id).where(
        attempt.slot == CALLBACK_SLOT, attempt.step == Interaction.id, attempt.status == I.QUEUED.value).exists()
    query = (select(Interaction, Campaign.name, ContactRecord.prenom, ContactRecord.nom)
             .outerjoin(Campaign, Campaign.id == Interaction.campaign_id)
             .outerjoin(ContactRecord, and_(ContactRecord.id == Interaction.contact_id,
                                            ContactRecord.list_id == Interaction.list_id))
             .where(Interaction.direction == Direction.IN.value, Interaction.status == I.ENDED.value,
                    ((Interaction.outcome == VOICEMAIL) & (Interaction.recording_url != ""))
                    | ((Interaction.outcome == CALLBACK) & waiting_callback))
             .order_by(Interaction.queued_at.desc(), Interaction.id.desc()).limit(LIMIT))
    with tenant_session(ctx) as session:
        rows = session.execute(query).all()
    return [CallerTask(row.id, row.outcome, row.address, f"{first or ''} {last or ''}".strip(), campaign or "",
                       row.queued_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"), row.recording_seconds,
                       bool(row.recording_url))
            for row, campaign, first, last in rows]


def mark_handled(ctx: AuthContext, interaction_id: int) -> None:
    """« Traité »: the message is closed now, with who closed it among its answers (not as its agent: a
    supervisor's handling is no call of theirs in the agents' figures); PermissionError for anything else."""
    access_area(ctx, "supervision")
    now = utcnow()
    with tenant_session(ctx) as session:
        row = session.get(Interaction, interaction_id, with_for_update=True)
        if (row is None or row.direction != Direction.IN.value or row.outcome != VOICEMAIL
                or row.status != I.ENDED.value):
            raise PermissionError("Ce message n'est plus à traiter.")
        row.status, row.qualification = I.WRAPPED_UP.value, HANDLED_CODE
        row.form_answers = {**(row.form_answers or {}), HANDLED_BY: ctx.full_name}
        row.wrapup_ended_at, row.updated_at = now, now
        session.add(row)
        session.commit()
