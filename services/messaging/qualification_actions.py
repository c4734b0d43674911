"""The message a qualification code sends (UC-VO-03, e.g. « VENTE » sends the confirmation email):
one attempt for the qualified contact, sent by the sending engine like any other.

A campaign's code whose action is "email" or "sms" carries the message text in its `template`
({Prenom}, {Nom}, custom fields); when an agent qualifies a call with it, the contact gets one
attempt on that slot — at its email for an email, its telephone for an SMS (a contact without
that address gets none, and the qualification is not refused for it). The sending engine then
checks blacklist, time band and country preset, frequency cap and Smart Wallet at send time,
personalises the text and records the usage line, as for the campaign's own messages.

Convention: an action attempt is step ACTION_STEP of its slot, and its `body` holds the code's
template as it was when the agent qualified (the engine personalises it at send time and then
stores the personalised text there). The email's subject is the campaign's email subject when
it has one, else DEFAULT_SUBJECT; its HTML part is the text, with the unsubscribe link.

Exactly once: inserted with ON CONFLICT DO NOTHING on the (campaign, contact, slot, step) unique
index, in the qualification's transaction — a contact gets at most one automatic email and one
automatic SMS per campaign, the first qualification that sends it. A WhatsApp action cannot be
sent from free text outside the 24-hour window: the campaign's validation refuses it, and no
attempt is queued for it. Action attempts never fall back nor get recycled.
"""
from __future__ import annotations

import html as html_lib

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from services.campaigns.config import email_with_unsubscribe, render
from services.messaging.personalise import UNSUBSCRIBE_VARIABLE, personalise
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import (
    SLOT_CHANNELS, Direction, Interaction, InteractionStatus as S,
)

ACTION_STEP = 1000  # the sequence's own steps (0, fallbacks, voice retries, recycling) stay below
MESSAGE_ACTIONS = ("email", "sms")  # the code actions that send a message
DEFAULT_SUBJECT = "Confirmation"


def is_action(attempt: Interaction) -> bool:
    return attempt.conversation_id is None and attempt.step == ACTION_STEP


def queue_action(session, call: Interaction, campaign: Campaign, config: dict, code: dict,
                 tenant_id: int | None = None) -> int | None:
    """The attempt the code's action sends to the call's contact (its id), in the caller's
    transaction; None when the code sends nothing, the contact has no address for it, or it
    was queued already."""
    from services.messaging.messengers import WIRED_CHANNELS
    from services.messaging.sequencer import once_per_touch, slot_sender

    slot, template = code.get("action", ""), (code.get("template") or "").strip()
    if (slot not in MESSAGE_ACTIONS or not template or call.contact_id is None
            or SLOT_CHANNELS[slot] not in WIRED_CHANNELS):
        return None
    contact = session.execute(select(ContactRecord).where(
        ContactRecord.id == call.contact_id)).scalars().first()
    address = (contact.email if slot == "email" else contact.telephone) if contact else ""
    if not address:
        return None
    now = utcnow()
    statement = insert(Interaction).values(
        channel=SLOT_CHANNELS[slot], direction=Direction.OUT.value, campaign_id=campaign.id,
        campaign_version=campaign.version, contact_id=call.contact_id,
        list_id=call.list_id if call.list_id is not None else contact.list_id,
        address=address, sender=slot_sender(config, slot, tenant_id), slot=slot,
        step=ACTION_STEP, status=S.QUEUED.value, body=template[:4000], queued_at=now,
        next_try_at=now, updated_at=now)
    return session.execute(once_per_touch(statement).returning(Interaction.id)).scalar()


def compose_action(config: dict, attempt: Interaction,
                   values: dict[str, str]) -> tuple[str, str, str]:
    """(subject, text, html) of an action attempt for this contact; raises MissingValue."""
    text = personalise(attempt.body, values)
    if attempt.slot != "email":
        return "", text, ""
    subject = personalise(config["channels"]["email"].get("subject") or DEFAULT_SUBJECT, values)
    paragraph = "<p>" + html_lib.escape(text).replace("\n", "<br>") + "</p>"
    link = {UNSUBSCRIBE_VARIABLE: values.get(UNSUBSCRIBE_VARIABLE, "")}
    return subject, text, render(email_with_unsubscribe(paragraph), link)
