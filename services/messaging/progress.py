"""How an attempt moves forward: one rule for the engine, the provider callbacks and the
reconciliation, so duplicated or out-of-order news ends in one final state.

Statuses have a rank (queued < sending < sent < delivered | failed < read < clicked); news
of a lower or equal rank changes no status but still fills its own timestamp once (a
`sent` callback arriving after `delivered` dates the sending). Each stage's timestamp is
written once (the first news wins), so replays change nothing. The news that fails an
attempt queues the campaign's fallback slot for that contact (services/messaging/fallback.py).
"""
from __future__ import annotations

from sqlmodel import Session, select

from services.models.columns import utcnow
from services.models.interactions import Interaction, InteractionStatus

S = InteractionStatus
RANK = {S.QUEUED.value: 0, S.SENDING.value: 1, S.SENT.value: 2, S.DELIVERED.value: 3,
        S.FAILED.value: 3, S.CANCELLED.value: 3, S.READ.value: 4, S.CLICKED.value: 5}
STAGE_COLUMN = {S.SENT.value: "sent_at", S.DELIVERED.value: "delivered_at",
                S.READ.value: "read_at", S.CLICKED.value: "clicked_at",
                S.FAILED.value: "failed_at"}
# Twilio's MessageStatus -> ours (queued/accepted/sending say nothing new to us)
TWILIO_STATUSES = {"sent": S.SENT.value, "delivered": S.DELIVERED.value,
                   "undelivered": S.FAILED.value, "failed": S.FAILED.value,
                   "read": S.READ.value}


def provider_status(word: str) -> str:
    """A provider's status word as ours; an unknown or early word means "sent"."""
    return TWILIO_STATUSES.get((word or "").lower(), S.SENT.value)


def advance(session: Session, attempt_id: int, status: str, *, provider: str = "",
            provider_id: str = "", outcome: str = "", failure_class: str = "",
            failure_reason: str = "", release_claim: bool = False) -> Interaction | None:
    """Apply one piece of news to the attempt (locked for the transaction)."""
    row = session.exec(select(Interaction).where(Interaction.id == attempt_id)
                       .with_for_update()).first()
    if row is None:
        return None
    if provider_id and row.provider_id and row.provider_id != provider_id:
        return row  # news about another message than the one this attempt sent
    now = utcnow()
    column = STAGE_COLUMN.get(status)
    if column and getattr(row, column) is None:
        setattr(row, column, now)
    failed_now = False
    if RANK.get(status, 0) > RANK.get(row.status, 0):
        row.status = status
        if status in (S.FAILED.value, S.CANCELLED.value):
            row.failure_class, row.failure_reason = failure_class, failure_reason[:500]
            failed_now = status == S.FAILED.value
    if provider_id and not row.provider_id:
        row.provider, row.provider_id = provider, provider_id
    if outcome and RANK.get(status, 0) >= RANK.get(row.status, 0):
        row.outcome = outcome[:40]
    if release_claim:
        row.claimed_by = None
    row.updated_at = now
    session.add(row)
    if failed_now:  # the campaign's fallback slot, in this same transaction
        from services.messaging.fallback import queue_fallback

        session.flush()
        queue_fallback(session, row)
    return row
