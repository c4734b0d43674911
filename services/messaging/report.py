"""What a campaign's messaging did so far (its page): every attempt that did not go out with
the reason ("non envoyés et pourquoi") — nothing is skipped silently — and the campaign list's
progress. The counters per channel are the reporting funnel (services/reporting/figures.py,
`sending_funnel`): one count for the « Envois » page and the reports."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from services.campaigns.store import load_campaign
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.interactions import Direction, Interaction, InteractionStatus as S


@dataclass(frozen=True)
class NotSent:
    attempt_id: int
    channel: str
    address: str
    status: str
    reason: str
    updated_at: str


def settled_attempts(session, campaign_ids: list[int]) -> dict[int, tuple[int, int]]:
    """campaign id -> (attempts settled, attempts) for the campaign list's progress."""
    if not campaign_ids:
        return {}
    waiting = Interaction.status.in_((S.QUEUED.value, S.SENDING.value))
    rows = session.execute(select(Interaction.campaign_id, func.count(),
                                  func.count().filter(~waiting))
                           .where(Interaction.campaign_id.in_(campaign_ids),
                                  Interaction.direction == Direction.OUT.value)
                           .group_by(Interaction.campaign_id)).all()
    return {campaign_id: (settled, total) for campaign_id, total, settled in rows}


def not_sent(ctx: AuthContext, campaign_id: int, limit: int = 200) -> list[NotSent]:
    """Failed and cancelled attempts, and those waiting for a stated reason, newest first."""
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as s:
        load_campaign(s, campaign_id)
        rows = s.execute(select(Interaction).where(
            Interaction.campaign_id == campaign_id, Interaction.direction == Direction.OUT.value,
            or_(Interaction.status.in_((S.FAILED.value, S.CANCELLED.value)),
                (Interaction.status == S.QUEUED.value) & (Interaction.failure_reason != "")))
            .order_by(Interaction.updated_at.desc(), Interaction.id.desc()).limit(limit)
        ).scalars().all()
    return [NotSent(r.id, r.channel, r.address, r.status, r.failure_reason,
                    f"{r.updated_at:%d/%m/%Y %H:%M}") for r in rows]
