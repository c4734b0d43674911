"""The interaction: one row per touch of a contact (DESIGN.md 6b), shared by every channel.

A message attempt (SMS, email, WhatsApp) and a call (outbound or inbound) are the same
record, so the agent panel's history, the campaign journal, the dashboard, exports and
recycling read one table:

- what: `channel` (VOIX, SMS, EMAIL, WHATSAPP), `direction` (OUT, IN), the campaign and the
  version of its configuration in force, the contact (id and list: `contact` is partitioned
  by list), the address reached (E.164 phone or e-mail), the agent (calls), and the campaign's
  `slot` (sms, email, whatsapp, voice) and `step` (0 = first touch, 1.. = fallbacks/retries of
  the sequence) it realises;
- where it stands: `status` (see InteractionStatus) and one timestamp per stage — messages:
  queued, sending (in flight at the provider), sent, delivered, read, clicked, failed;
  calls: queued, ringing, answered, ended, wrap-up ended;
- what came of it: `outcome` (provider or PBX outcome: delivered, undelivered, busy,
  no-answer, machine...), the agent's `qualification` code and `form_answers` (JSONB);
- cost in minor units plus currency (what the Smart Wallet was debited);
- the provider's id, the failure reason (French, shown in "non envoyés et pourquoi") and
  class (PERMANENT, TRANSIENT, PERSONALISATION, BLACKLIST, WALLET...), links to the
  recording or the conversation.

A campaign touch is unique per (campaign, contact, slot, step): the sequencer inserts with
ON CONFLICT DO NOTHING, so running it again never creates a second attempt. The sending
engine's claim reads the partial index of due attempts. alembic/tenant/versions/
t0007_msg_interactions.py creates the table and its indexes.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import BigInteger, Column
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp

_SCHEMA = {"schema": TENANT_SCHEMA_PLACEHOLDER}


class Channel(str, enum.Enum):
    VOIX = "VOIX"
    SMS = "SMS"
    EMAIL = "EMAIL"
    WHATSAPP = "WHATSAPP"


# campaign configuration slot -> interaction channel
SLOT_CHANNELS = {"voice": Channel.VOIX.value, "sms": Channel.SMS.value,
                 "email": Channel.EMAIL.value, "whatsapp": Channel.WHATSAPP.value}


class Direction(str, enum.Enum):
    OUT = "OUT"
    IN = "IN"


class InteractionStatus(str, enum.Enum):
    QUEUED = "QUEUED"  # due (or waiting for its next try at next_try_at)
    SENDING = "SENDING"  # claimed by a worker, maybe at the provider: reconcile, never resend
    SENT = "SENT"  # accepted by the provider
    DELIVERED = "DELIVERED"
    READ = "READ"
    CLICKED = "CLICKED"
    FAILED = "FAILED"  # final: failure_class / failure_reason say why
    CANCELLED = "CANCELLED"  # final: opt-out, campaign archived...
    RECEIVED = "RECEIVED"  # an inbound message
    # calls
    RINGING = "RINGING"
    ANSWERED = "ANSWERED"
    ENDED = "ENDED"
    WRAPPED_UP = "WRAPPED_UP"


class FailureClass(str, enum.Enum):
    PERMANENT = "PERMANENT"  # invalid number, hard bounce, blocked: never retried
    TRANSIENT = "TRANSIENT"  # timeout, 429, 5xx: retried with back-off
    PERSONALISATION = "PERSONALISATION"  # a {Variable} without value for this contact
    BLACKLIST = "BLACKLIST"
    WALLET = "WALLET"
    INTERRUPTED = "INTERRUPTED"  # in flight at a crash and not found at the provider


class Interaction(SQLModel, table=True):
    __tablename__ = "interaction"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    channel: str = Field(max_length=10)
    direction: str = Field(default=Direction.OUT.value, max_length=3)
    campaign_id: Optional[int] = None
    campaign_version: Optional[int] = None
    contact_id: Optional[int] = Field(default=None, sa_type=BigInteger)
    list_id: Optional[int] = None
    address: str = Field(default="", max_length=254)
    sender: str = Field(default="", max_length=254)
    agent_id: Optional[int] = None
    slot: str = Field(default="", max_length=12)
    step: int = 0
    status: str = Field(default=InteractionStatus.QUEUED.value, max_length=12)
    tries: int = 0
    next_try_at: datetime = timestamp()
    claimed_by: Optional[int] = Field(default=None, sa_type=BigInteger)  # worker's lock key
    queued_at: datetime = timestamp()
    sending_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    sent_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    delivered_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    read_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    clicked_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    failed_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    ringing_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    answered_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    ended_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    wrapup_ended_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    updated_at: datetime = timestamp()
    outcome: str = Field(default="", max_length=40)
    qualification: str = Field(default="", max_length=60)
    form_answers: dict = Field(default_factory=dict, sa_type=JSONB)
    body: str = Field(default="", max_length=4000)  # the personalised text (inbound: received)
    cost_amount: int = 0
    cost_currency: str = Field(default="", max_length=3)
    provider: str = Field(default="", max_length=20)
    provider_id: str = Field(default="", max_length=64)
    failure_class: str = Field(default="", max_length=20)
    failure_reason: str = Field(default="", max_length=500)
    recording_url: str = Field(default="", max_length=500)   # the call's WAV in the tenant's storage
    recording_seconds: int = 0
    conversation_id: Optional[int] = None
