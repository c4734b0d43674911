"""The STOP confirmation SMS (UC-DG-04): when the tenant enables it in Paramètres, a phone
that texted STOP gets one SMS saying it will hear no more — once, ever, per phone.

Invariant: at most one confirmation per (tenant, phone): it is an attempt row (slot
"stop_ack") unique by a partial index over the address, and only the run that inserted it
calls the provider — or, for a confirmation that a crash interrupted and reconciliation
found never received (put back QUEUED), the run of the phone's next STOP that takes it.

Process, through the engine's own parts: the row is written in flight (SENDING, body,
`sending_at`, this run's lock key — so a crash leaves it to reconciliation, which looks it
up at Twilio by our id before anything else), the Smart Wallet is debited by the attempt's
reference (no credit: not sent, FAILED with the reason), the SMS messenger sends it with
our attempt id in its status callback, and progress.advance records SENT — or FAILED.
"""
from __future__ import annotations

from sqlalchemy import literal_column
from sqlalchemy.dialects.postgresql import insert

from services.billing.prices import CHANNEL_UNITS, price_list
from services.billing.wallet import InsufficientBalance, debit_wallet, wallet_of
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.messengers import Outgoing, SendFailed, messenger_for
from services.messaging.progress import advance, provider_status
from services.messaging.reconcile import worker_lock
from services.models.columns import utcnow
from services.models.interactions import (
    Channel, Direction, FailureClass, Interaction, InteractionStatus as S,
)
from services.settings import get_settings

SLOT = "stop_ack"
TEXT = ("Vous ne recevrez plus de messages de notre part. Votre désinscription est "
        "enregistrée.")


def _claim(tenant_id: int, phone: str, sender: str, key: int) -> int | None:
    now = utcnow()
    statement = insert(Interaction).values(
        channel=Channel.SMS.value, direction=Direction.OUT.value, address=phone, sender=sender,
        slot=SLOT, step=0, status=S.SENDING.value, tries=1, claimed_by=key, body=TEXT,
        queued_at=now, next_try_at=now, sending_at=now, updated_at=now,
    ).on_conflict_do_update(  # a confirmation reconciliation found never sent: resumed
        index_elements=["address"], index_where=Interaction.slot == literal_column(f"'{SLOT}'"),
        set_={"status": S.SENDING.value, "claimed_by": key, "sending_at": now,
              "tries": Interaction.tries + 1, "updated_at": now},
        where=Interaction.status == S.QUEUED.value)
    with tenant_session(system_context(tenant_id)) as s:
        return s.execute(statement.returning(Interaction.id)).scalar()


def _charge(tenant_id: int, attempt_id: int) -> str:
    """'' when paid (or free), else the reason it cannot be."""
    from services.messaging.sending import wallet_reference

    wallet = wallet_of(tenant_id)
    amount = price_list(wallet.currency).get(CHANNEL_UNITS["sms"], 0) if wallet else 0
    if not amount:
        return ""
    try:
        debit_wallet(tenant_id, amount, kind=CHANNEL_UNITS["sms"], quantity=1,
                     reference=wallet_reference(system_context(tenant_id), attempt_id),
                     description="Confirmation de désinscription (SMS)")
    except InsufficientBalance:
        return "Smart Wallet vide : confirmation de désinscription non envoyée."
    with tenant_session(system_context(tenant_id)) as s:
        row = s.get(Interaction, attempt_id)
        row.cost_amount, row.cost_currency = amount, wallet.currency
        s.add(row)
    return ""


def _end(tenant_id: int, attempt_id: int, status: str, **news) -> None:
    with tenant_session(system_context(tenant_id)) as s:
        advance(s, attempt_id, status, release_claim=True, **news)


def confirm_stop(tenant_id: int, phone: str, our_number: str = "") -> int | None:
    """Send the confirmation if the tenant wants it and this phone never got one; returns
    the attempt id when this call sent (or tried to send) it."""
    from services.tenant_settings import stop_confirmation_enabled

    if not phone or not stop_confirmation_enabled(tenant_id):
        return None
    sender = our_number or get_settings().sms_sender
    with worker_lock() as key:
        attempt_id = _claim(tenant_id, phone, sender, key)
        if attempt_id is None:
            return None
        problem = _charge(tenant_id, attempt_id)
        if problem:
            _end(tenant_id, attempt_id, S.FAILED.value,
                 failure_class=FailureClass.WALLET.value, failure_reason=problem)
            return attempt_id
        try:
            accepted = messenger_for(Channel.SMS.value, tenant_id).send(
                Outgoing(tenant_id, attempt_id, phone, sender, TEXT))
        except SendFailed as exc:
            klass = FailureClass.PERMANENT if exc.permanent else FailureClass.TRANSIENT
            _end(tenant_id, attempt_id, S.FAILED.value, failure_class=klass.value,
                 failure_reason=exc.reason)
            return attempt_id
        _end(tenant_id, attempt_id, provider_status(accepted.status),
             provider=accepted.provider, provider_id=accepted.provider_id)
    return attempt_id
