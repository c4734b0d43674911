"""Fallback slots (DESIGN.md 5): when a campaign's touch fails for good — an email that
bounces, an SMS that is undelivered, a call to an invalid number or unanswered after the
campaign's last attempt — the slot the campaign names as its fallback (`fallbacks`:
[{"from": "email", "to": "sms"}]) gets one attempt for the same contact, which the sending
engine then sends like any other (blacklist, time band, caps and wallet checked at send time).

Exactly once: the fallback attempt is step FALLBACK_STEP of its slot, inserted with ON
CONFLICT DO NOTHING on the (campaign, contact, slot, step) unique index, in the transaction
that records the failure; a contact the fallback slot already reached in this campaign gets
none. Failures of personalisation, opt-outs and cancellations do not fall back, nor does a
qualification code's message (services/messaging/qualification_actions.py).
"""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert

from services.campaigns.config import normalized
from services.messaging.qualification_actions import ACTION_STEP
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import (
    SLOT_CHANNELS, Direction, FailureClass, Interaction, InteractionStatus as S,
)

FALLBACK_STEP = 1
FALLING_BACK = (FailureClass.PERMANENT.value, FailureClass.TRANSIENT.value,
                FailureClass.INTERRUPTED.value, "")
MESSAGE_SLOTS = ("sms", "email", "whatsapp")


def fallback_slots(config: dict, from_slot: str) -> list[str]:
    """The message slots to try when `from_slot` fails (those a messenger can send)."""
    from services.messaging.messengers import WIRED_CHANNELS

    return [f["to"] for f in config.get("fallbacks") or []
            if isinstance(f, dict) and f.get("from") == from_slot and f.get("to") in MESSAGE_SLOTS
            and f["to"] != from_slot and SLOT_CHANNELS[f["to"]] in WIRED_CHANNELS]


def queue_fallback(session, failed: Interaction) -> list[int]:
    """The fallback attempts of a touch that failed for good (ids of those created)."""
    from services.messaging.sequencer import once_per_touch, slot_sender

    if (failed.campaign_id is None or failed.direction != Direction.OUT.value
            or failed.failure_class not in FALLING_BACK or failed.contact_id is None
            or failed.step == ACTION_STEP):  # a qualification code's message
        return []
    campaign = session.get(Campaign, failed.campaign_id)
    if campaign is None:
        return []
    config = normalized(campaign.config)
    contact = session.execute(select(ContactRecord).where(
        ContactRecord.id == failed.contact_id)).scalars().first()
    created = []
    for slot in fallback_slots(config, failed.slot):
        address = contact.email if (contact and slot == "email") else (
            contact.telephone if contact else "")
        already = session.execute(select(exists().where(
            Interaction.campaign_id == campaign.id, Interaction.contact_id == failed.contact_id,
            Interaction.slot == slot))).scalar()
        if not address or already:
            continue
        now = utcnow()
        statement = insert(Interaction).values(
            channel=SLOT_CHANNELS[slot], direction=Direction.OUT.value, campaign_id=campaign.id,
            campaign_version=campaign.version, contact_id=failed.contact_id,
            list_id=failed.list_id, address=address, sender=slot_sender(config, slot),
            slot=slot, step=FALLBACK_STEP, status=S.QUEUED.value, queued_at=now,
            next_try_at=now, updated_at=now)
        created += list(session.execute(
            once_per_touch(statement).returning(Interaction.id)).scalars())
    return created


def queue_fallback_of(tenant_id: int, attempt_id: int) -> list[int]:
    """The same, for a touch recorded in its own transaction (the voice slot's calls)."""
    from services.db.tenancy import tenant_session
    from services.identity.system import system_context

    with tenant_session(system_context(tenant_id)) as session:
        failed = session.get(Interaction, attempt_id)
        return queue_fallback(session, failed) if failed is not None else []
