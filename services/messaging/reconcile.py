"""Attempts a crash left in flight: looked up at the provider by our id, never blindly resent.

Each sending run holds a PostgreSQL session advisory lock on a random key, and stamps the
attempts it claims with that key. PostgreSQL releases the lock when the connection dies, so
a killed worker (kill -9, a lost host) leaves SENDING attempts whose key can be locked by
anyone: those, and only those, are reconciled here (a live worker's key cannot be taken).
(Session locks need a session-pooled connection: behind PgBouncer, give the workers a
session-mode pool.)

For each such attempt: no body recorded → the provider was never called, back to QUEUED;
found at the provider → recorded as sent with the provider's id and status; not found →
back to QUEUED, to be sent once; a provider without look-up by our id → FAILED
(INTERRUPTED), never resent, shown in "non envoyés et pourquoi".
"""
from __future__ import annotations

import logging
import secrets
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import select, text, update

from services.db.engine import get_engine
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.messaging.messengers import CannotVerify, Outgoing, SendFailed, messenger_for
from services.messaging.progress import advance, provider_status
from services.models.columns import utcnow
from services.models.interactions import FailureClass, Interaction, InteractionStatus as S

log = logging.getLogger("services.messaging.reconcile")


@contextmanager
def worker_lock() -> Iterator[int]:
    """A key held (PostgreSQL session advisory lock) for as long as this run lives."""
    key = secrets.randbits(62) + 1
    conn = get_engine().connect()
    try:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        conn.commit()
        yield key
    finally:
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
        finally:
            conn.close()


def reconcile_in_flight(ctx: AuthContext) -> int:
    """Reconcile the in-flight attempts of dead runs; returns how many were settled."""
    with tenant_session(ctx) as session:
        keys = list(session.execute(select(Interaction.claimed_by).where(
            Interaction.status == S.SENDING.value).distinct()).scalars())
    settled = 0
    for key in keys:
        if key is None:
            continue
        with get_engine().connect() as conn:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                conn.commit()
                continue  # its run is alive
            conn.commit()
            try:
                settled += _settle_run(ctx, key)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
    return settled


def _settle_run(ctx: AuthContext, key: int) -> int:
    with tenant_session(ctx) as session:
        attempts = list(session.execute(select(Interaction).where(
            Interaction.status == S.SENDING.value, Interaction.claimed_by == key)).scalars())
    settled = 0
    for attempt in attempts:
        try:
            settled += _settle(ctx, attempt)
        except SendFailed as exc:  # the provider is unreachable: try at the next tick
            log.warning("reconciliation of %s postponed: %s", attempt.id, exc)
    return settled


def _requeue(ctx: AuthContext, attempt: Interaction, reason: str) -> None:
    with tenant_session(ctx) as s:
        s.execute(update(Interaction).where(Interaction.id == attempt.id,
                                            Interaction.status == S.SENDING.value).values(
            status=S.QUEUED.value, claimed_by=None, next_try_at=utcnow(), updated_at=utcnow(),
            failure_reason=reason))


def _settle(ctx: AuthContext, attempt: Interaction) -> int:
    if not attempt.body or attempt.sending_at is None:
        _requeue(ctx, attempt, "")
        return 1
    outgoing = Outgoing(ctx.tenant_id, attempt.id, attempt.address, attempt.sender,
                        attempt.body)
    try:
        found = messenger_for(attempt.channel, ctx.tenant_id).find(outgoing, attempt.sending_at)
    except CannotVerify as exc:
        with tenant_session(ctx) as s:
            advance(s, attempt.id, S.FAILED.value, failure_class=FailureClass.INTERRUPTED.value,
                    failure_reason=f"Envoi interrompu par une panne, non renvoyé : {exc}",
                    release_claim=True)
        return 1
    if found is None:
        _requeue(ctx, attempt, "Renvoi : l'envoi interrompu n'était pas parvenu au fournisseur.")
        return 1
    with tenant_session(ctx) as s:
        advance(s, attempt.id, provider_status(found.status), provider=found.provider,
                provider_id=found.provider_id, release_claim=True)
    return 1
