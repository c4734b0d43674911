"""Conversations (UC-DG-03, issue 17): the two-way exchanges with a contact on SMS and WhatsApp,
answered by agents in one console.

- `conversation`: one open thread per (channel, customer address) at a time — a partial unique
  index keeps it so; it remembers the contact, the campaign that last wrote to them and the
  team it was routed to, the agent it is assigned to, how many of the customer's messages no
  agent has read yet, and the last message (the console's list is sorted on it).
- `conversation_message`: each message of the thread, either way, with its channel and media;
  an inbound one is unique per (channel, provider message id), so a webhook delivered twice
  is one message; an outbound one points at its attempt (`interaction`): status, cost, when it
  will leave when queued outside sending hours — the sending engine's record, not a copy.
- `conversation_routing`: one row (id 1): the team the tenant chose to receive conversations
  (NULL: the agents of the campaign that last wrote to the contact).

alembic/tenant/versions/t0009_convo.py creates these tables.
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


class ConversationChannel(str, enum.Enum):
    SMS = "sms"
    WHATSAPP = "whatsapp"

    @property
    def interaction_channel(self) -> str:
        """The interaction's channel word (SMS, WHATSAPP)."""
        return self.value.upper()


class ConversationStatus(str, enum.Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Conversation(SQLModel, table=True):
    __tablename__ = "conversation"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=10)  # ConversationChannel
    address: str = Field(max_length=254)  # the customer's E.164 number
    our_address: str = Field(default="", max_length=254)  # the number / sender they wrote to
    contact_id: Optional[int] = Field(default=None, sa_type=BigInteger)
    list_id: Optional[int] = None
    campaign_id: Optional[int] = None  # the campaign that last wrote to the contact
    team_id: Optional[int] = None  # the tenant's chosen team, when routed to it
    agent_id: Optional[int] = None  # assigned agent (None: any agent it is routed to)
    status: str = Field(default=ConversationStatus.OPEN.value, max_length=8)
    unread: int = 0  # customer messages no agent has read yet
    last_message_at: datetime = timestamp()
    last_message: str = Field(default="", max_length=200)
    last_inbound_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    opened_at: datetime = timestamp()
    closed_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    closed_reason: str = Field(default="", max_length=200)


class ConversationMessage(SQLModel, table=True):
    __tablename__ = "conversation_message"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    conversation_id: int = Field(index=True)
    direction: str = Field(max_length=3)  # Direction: IN, OUT
    channel: str = Field(max_length=10)  # ConversationChannel
    body: str = Field(default="", max_length=4000)
    media: list = Field(default_factory=list, sa_type=JSONB)  # [{"type", "url", "name"}]
    agent_id: Optional[int] = None
    agent_name: str = Field(default="", max_length=200)
    interaction_id: Optional[int] = Field(default=None, sa_type=BigInteger)
    provider_message_id: str = Field(default="", max_length=128)
    created_at: datetime = timestamp()


class ConversationRouting(SQLModel, table=True):
    __tablename__ = "conversation_routing"
    __table_args__ = _SCHEMA

    id: int = Field(default=1, primary_key=True)
    team_id: Optional[int] = None
    updated_at: datetime = timestamp()
