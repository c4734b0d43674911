"""The sequencer (DESIGN.md 5): who is due now. For each LIVE campaign inside its time band,
one attempt row (an `interaction`, status QUEUED) per contact of its lists and per enabled
message slot (SMS, email, WhatsApp), before anything is sent.

One INSERT ... SELECT ... ON CONFLICT DO NOTHING per campaign and slot: the unique index
(campaign, contact, slot, step) makes a second run, a restart or two schedulers harmless.
A contact without an address for the slot, or already written to at that address by the
slot (the same person in two lists), gets no attempt. A blacklisted one gets its attempt
already CANCELLED with the reason, never sent: nothing is skipped silently (the campaign's
« non envoyés et pourquoi » and its "opted out" count show it). The sending engine checks the
blacklist again at send time, when it may have changed.
The contact's own local time is checked at send time (it differs per contact).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, literal_column, or_, select
from sqlalchemy.dialects.postgresql import distinct_on, insert

from services.campaigns.config import enabled_channels, normalized
from services.campaigns.timebands import bands_from_config, is_open
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.models.audience import ContactRecord, OptOut
from services.models.campaigns import Campaign, CampaignStatus
from services.models.columns import utcnow
from services.models.interactions import (
    SLOT_CHANNELS, Direction, FailureClass, Interaction, InteractionStatus,
)
from services.settings import get_settings

MESSAGE_SLOTS = ("sms", "email", "whatsapp")
BLACKLISTED = "Contact dans la liste noire."


def _wired(slot: str) -> bool:
    from services.messaging.messengers import WIRED_CHANNELS

    return SLOT_CHANNELS[slot] in WIRED_CHANNELS


def slot_sender(config: dict, slot: str, tenant_id: int | None = None) -> str:
    if slot == "whatsapp":  # the business number the tenant's messages go out from
        from services.providers.whatsapp.account import account_of

        return account_of(tenant_id).phone_number_id
    sender = (config["channels"][slot].get("sender") or "").strip()
    if sender:
        return sender
    return get_settings().sms_sender if slot != "email" else get_settings().email_sender


def once_per_touch(statement):
    """An INSERT of attempts that skips a (campaign, contact, slot, step) already there."""
    attempt = Interaction.__table__
    return statement.on_conflict_do_nothing(
        index_elements=["campaign_id", "contact_id", "slot", "step"],
        # a literal, not a bind parameter: the generic plan of a prepared statement must still
        # infer the partial unique index
        index_where=and_(attempt.c.campaign_id.is_not(None),
                         attempt.c.direction == literal_column(f"'{Direction.OUT.value}'")))


def _queue_slot(session, campaign: Campaign, config: dict, slot: str,
                tenant_id: int | None = None) -> int:
    contact, attempt, opt_out = (ContactRecord.__table__, Interaction.__table__,
                                 OptOut.__table__)
    address = contact.c.email if slot == "email" else contact.c.telephone
    earlier = attempt.alias("earlier")
    blacklisted = exists().where(or_(
        and_(contact.c.telephone != "", opt_out.c.phone == contact.c.telephone),
        and_(contact.c.email != "", opt_out.c.email == func.lower(contact.c.email))))

    def unless_blacklisted(value: str, otherwise: str):
        return case((blacklisted, literal(otherwise)), else_=literal(value))

    due = (
        select(literal(SLOT_CHANNELS[slot]), literal(Direction.OUT.value), literal(campaign.id),
               literal(campaign.version), contact.c.id, contact.c.list_id, address,
               literal(slot_sender(config, slot, tenant_id)), literal(slot), literal(0),
               unless_blacklisted(InteractionStatus.QUEUED.value,
                                  InteractionStatus.CANCELLED.value),
               unless_blacklisted("", FailureClass.BLACKLIST.value),
               unless_blacklisted("", BLACKLISTED), func.now(), func.now(), func.now())
        .where(contact.c.list_id.in_(config.get("lists") or [0]), address != "")
        .where(~exists().where(earlier.c.campaign_id == campaign.id, earlier.c.slot == slot,
                               earlier.c.address == address, earlier.c.contact_id != contact.c.id))
        .ext(distinct_on(address)).order_by(address, contact.c.id))
    statement = insert(attempt).from_select(
        ["channel", "direction", "campaign_id", "campaign_version", "contact_id", "list_id",
         "address", "sender", "slot", "step", "status", "failure_class", "failure_reason",
         "queued_at", "next_try_at", "updated_at"], due,
    )
    written = session.execute(once_per_touch(statement).returning(attempt.c.status)).scalars()
    return sum(status == InteractionStatus.QUEUED.value for status in written)


def sequence_campaign(session, campaign: Campaign, now: datetime | None = None,
                      tenant_id: int | None = None) -> int:
    """How many attempts were made due now for one campaign (0 outside its time band)."""
    if campaign.status != CampaignStatus.LIVE.value:
        return 0
    config = normalized(campaign.config)
    if not is_open(bands_from_config(config), now or utcnow()):
        return 0
    return sum(_queue_slot(session, campaign, config, slot, tenant_id)
               for slot in enabled_channels(config) if slot in MESSAGE_SLOTS and _wired(slot))


def sequence_tenant(ctx: AuthContext, now: datetime | None = None) -> int:
    """Every LIVE campaign of the tenant, each in its own transaction."""
    with tenant_session(ctx) as session:
        ids = list(session.execute(select(Campaign.id).where(
            Campaign.status == CampaignStatus.LIVE.value)).scalars())
    queued = 0
    for campaign_id in ids:
        with tenant_session(ctx) as session:
            campaign = session.get(Campaign, campaign_id)
            queued += sequence_campaign(session, campaign, now, ctx.tenant_id)
    return queued
