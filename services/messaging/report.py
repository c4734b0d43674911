"""What a campaign's messaging did so far (its page): live counters per channel, and every
attempt that did not go out with the reason ("non envoyés et pourquoi") — nothing is
skipped silently."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from services.campaigns.store import load_campaign
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.interactions import (
    Direction, FailureClass, Interaction, InteractionStatus as S,
)

# a status counts for its own stage and every stage before it
_REACHED = {"sent": (S.SENT, S.DELIVERED, S.READ, S.CLICKED),
            "delivered": (S.DELIVERED, S.READ, S.CLICKED), "read": (S.READ, S.CLICKED),
            "clicked": (S.CLICKED,)}


@dataclass(frozen=True)
class ChannelCounters:
    channel: str
    total: int = 0
    waiting: int = 0  # queued or in flight
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0
    failed: int = 0
    opted_out: int = 0
    cancelled: int = 0

    @property
    def progress(self) -> int:
        """Percent of the attempts settled (sent onwards, failed or cancelled)."""
        return 100 * (self.total - self.waiting) // self.total if self.total else 0


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


def sending_counters(ctx: AuthContext, campaign_id: int) -> list[ChannelCounters]:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as s:
        load_campaign(s, campaign_id)
        rows = s.execute(select(Interaction.channel, Interaction.status,
                                Interaction.failure_class, func.count())
                         .where(Interaction.campaign_id == campaign_id,
                                Interaction.direction == Direction.OUT.value)
                         .group_by(Interaction.channel, Interaction.status,
                                   Interaction.failure_class)).all()
    tallies: dict[str, dict[str, int]] = {}
    for channel, status, failure_class, count in rows:
        t = tallies.setdefault(channel, {})
        t["total"] = t.get("total", 0) + count
        if status in (S.QUEUED.value, S.SENDING.value):
            t["waiting"] = t.get("waiting", 0) + count
        for stage, statuses in _REACHED.items():
            if status in {x.value for x in statuses}:
                t[stage] = t.get(stage, 0) + count
        if status == S.FAILED.value:
            t["failed"] = t.get("failed", 0) + count
        if status == S.CANCELLED.value:
            key = "opted_out" if failure_class == FailureClass.BLACKLIST.value else "cancelled"
            t[key] = t.get(key, 0) + count
    return [ChannelCounters(channel, **t) for channel, t in sorted(tallies.items())]


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
