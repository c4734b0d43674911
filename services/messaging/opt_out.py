"""Inbound messages and opt-out (UC-DG-04): a "STOP" blacklists the contact, with its audit
line, and cancels every queued attempt to that contact on every channel and campaign.

A STOP is one of the usual keywords alone in the message, whatever its case and accents
(« Arrêt », "stop ", "STOP!" are STOPs; "stop calling me at work" is a message for a person).
When the tenant enables it, a worker then sends the STOP confirmation SMS
(services/messaging/stop_confirmation.py).
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, or_, select, update

from services.audience.blacklist import record_opt_out
from services.db.engine import platform_session
from services.db.tenancy import all_tenant_schemas, tenant_session
from services.identity.system import system_context
from services.models.audience import ContactRecord, OptOutChannel, OptOutSource
from services.models.columns import utcnow
from services.models.interactions import (
    Channel, Direction, FailureClass, Interaction, InteractionStatus as S,
)
from services.models.platform import Tenant, TenantStatus

STOP_KEYWORDS = frozenset({"STOP", "ARRET", "STOPALL", "UNSUBSCRIBE", "DESABONNER", "END",
                           "QUIT", "CANCEL", "REVOKE", "OPTOUT"})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def is_stop(text: str) -> bool:
    """True when the message is only an opt-out keyword (spaces and punctuation aside)."""
    words = re.findall(r"[^\W_]+", _folded(text))
    return len(words) == 1 and words[0] in STOP_KEYWORDS


def cancel_queued_to(ctx, addresses: set[str], reason: str) -> int:
    """Cancel the queued attempts to these addresses, on every channel and campaign."""
    with tenant_session(ctx) as s:
        return len(s.execute(update(Interaction).where(
            Interaction.status == S.QUEUED.value, Interaction.direction == Direction.OUT.value,
            Interaction.address.in_(addresses - {""}))
            .values(status=S.CANCELLED.value, failure_class=FailureClass.BLACKLIST.value,
                    failure_reason=reason[:500], updated_at=utcnow())
            .returning(Interaction.id)).all())


def record_contact_opt_out(tenant_id: int, *, phone: str = "", email: str = "",
                           channel: OptOutChannel, source: OptOutSource, note: str,
                           reason: str) -> int:
    """Blacklist the person behind a phone or an e-mail — with the other keys their contact
    rows carry — and cancel their queued attempts; returns how many were cancelled."""
    ctx = system_context(tenant_id)
    email = email.lower()
    with tenant_session(ctx) as s:
        rows = s.execute(select(ContactRecord.telephone, ContactRecord.email).where(or_(
            (ContactRecord.telephone == phone) if phone else False,
            (func.lower(ContactRecord.email) == email) if email else False))).all()
    phones = ({phone} | {p for p, _ in rows}) - {""}
    emails = ({email} | {e.lower() for _, e in rows}) - {""}
    for key in phones:
        record_opt_out(ctx, key, None, channel=channel, source=source, note=note[:500])
    for key in emails:
        record_opt_out(ctx, None, key, channel=channel, source=source, note=note[:500])
    return cancel_queued_to(ctx, phones | emails, reason)


def _tenants_that_wrote_to(phone: str) -> list[int]:
    """The tenants that sent an SMS to `phone`. (Senders are shared for now; once each tenant
    has its own numbers, the number written to will name the tenant.)"""
    schemas = set(all_tenant_schemas())
    with platform_session() as s:
        tenants = s.execute(select(Tenant.id, Tenant.schema_name).where(
            Tenant.status == TenantStatus.ACTIVE.value)).all()
    found = []
    for tenant_id, schema in tenants:
        if schema not in schemas:
            continue
        with tenant_session(system_context(tenant_id)) as s:
            query = select(Interaction.id).where(Interaction.channel == Channel.SMS.value,
                                                 Interaction.direction == Direction.OUT.value,
                                                 Interaction.address == phone)
            if s.execute(query.limit(1)).first() is not None:
                found.append(tenant_id)
    return found


def receive_sms(sender_phone: str, our_number: str, body: str, provider_id: str) -> list[int]:
    """An inbound SMS, in each tenant that wrote to this phone: a STOP opts the phone out there
    and closes its open conversation; any other message goes to the conversation console
    (services/conversations). Returns the tenants concerned."""
    from services.conversations.inbound import close_on_opt_out, receive_inbound

    tenants = _tenants_that_wrote_to(sender_phone)
    stop = is_stop(body)
    for tenant_id in tenants:
        ctx = system_context(tenant_id)
        with tenant_session(ctx) as s:
            if not stop:
                receive_inbound(s, tenant_id, "sms", sender_phone, body, provider_id,
                                to_address=our_number, provider="twilio")
            elif close_on_opt_out(s, tenant_id, "sms", sender_phone, body, provider_id) is None:
                s.add(Interaction(channel=Channel.SMS.value, direction=Direction.IN.value,
                                  address=sender_phone, sender=our_number, body=body[:4000],
                                  status=S.RECEIVED.value, provider="twilio",
                                  provider_id=provider_id[:64]))
        if stop:
            record_contact_opt_out(tenant_id, phone=sender_phone, channel=OptOutChannel.SMS,
                                   source=OptOutSource.STOP, note=f"SMS reçu : {body}",
                                   reason="Désinscrit (STOP reçu par SMS).")
            from services.workers.messaging import confirm_stop

            confirm_stop.send(tenant_id, sender_phone, our_number)
    return tenants
