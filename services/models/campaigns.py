"""Campaign tables of a tenant (UC-CP-01..04): campaigns, their immutable versions, the
agents and teams assigned, collected form answers, WhatsApp templates and frequency caps.

The whole editable configuration of a campaign is one JSON document (see
services/campaigns/config.py); every save writes an immutable `campaign_version`.
alembic/tenant/versions/t0004_campaigns.py creates these tables.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp

_SCHEMA = {"schema": TENANT_SCHEMA_PLACEHOLDER}


def _campaign_fk() -> Column:
    return Column(Integer, ForeignKey(f"{TENANT_SCHEMA_PLACEHOLDER}.campaign.id",
                                      ondelete="CASCADE"), nullable=False, index=True)


class CampaignStatus(str, enum.Enum):
    BROUILLON = "BROUILLON"
    LIVE = "LIVE"
    EN_PAUSE = "EN_PAUSE"
    ARCHIVEE = "ARCHIVEE"


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    status: str = Field(default=CampaignStatus.BROUILLON.value, max_length=20)
    config: dict = Field(default_factory=dict, sa_type=JSON)
    version: int = 1
    contacts_total: int = 0
    contacts_done: int = 0
    created_by: Optional[int] = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    launched_by: Optional[int] = None
    launched_by_name: str = Field(default="", max_length=200)
    launched_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    pause_reason: str = Field(default="", max_length=500)  # set when the engine pauses it


class CampaignVersion(SQLModel, table=True):
    """One saved configuration; never updated. A rollback writes a new version."""

    __tablename__ = "campaign_version"
    __table_args__ = (UniqueConstraint("campaign_id", "number"), _SCHEMA)

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=_campaign_fk())
    number: int
    config: dict = Field(default_factory=dict, sa_type=JSON)
    changes: list = Field(default_factory=list, sa_type=JSON)  # readable diff lines
    author_id: Optional[int] = None
    author_name: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=300)
    created_at: datetime = timestamp()


class CampaignAgent(SQLModel, table=True):
    """An agent working on a campaign; `pending_removal` waits for the end of a call."""

    __tablename__ = "campaign_agent"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"), _SCHEMA)

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=_campaign_fk())
    user_id: int = Field(index=True)
    pending_removal: bool = False
    added_at: datetime = timestamp()


class FormAnswer(SQLModel, table=True):
    """A value an agent entered in a campaign's form; kept whatever the form becomes."""

    __tablename__ = "form_answer"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=_campaign_fk())
    field_key: str = Field(max_length=60, index=True)
    contact_id: Optional[int] = None
    agent_id: Optional[int] = None
    value: str = Field(default="", max_length=4000)
    form_version: int = 1
    created_at: datetime = timestamp()


class TemplateStatus(str, enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class WhatsAppTemplate(SQLModel, table=True):
    __tablename__ = "whatsapp_template"
    __table_args__ = (UniqueConstraint("name", "language"), _SCHEMA)

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=512)
    language: str = Field(max_length=10)
    category: str = Field(max_length=20)  # MARKETING, UTILITY, AUTHENTICATION
    body: str = Field(max_length=1024)
    status: str = Field(default=TemplateStatus.PENDING.value, max_length=20)
    rejection_reason: str = Field(default="", max_length=500)
    meta_template_id: str = Field(default="", max_length=64)  # once submitted to Meta
    created_at: datetime = timestamp()


class FrequencyCap(SQLModel, table=True):
    """A tenant-wide limit across all campaigns; the sending and dialling engines enforce it."""

    __tablename__ = "frequency_cap"
    __table_args__ = (UniqueConstraint("channel"), _SCHEMA)

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)  # VOIX, SMS, EMAIL, WHATSAPP
    max_contacts: int
    window_days: int
    cooldown_after_refusal_days: int = 0
    source: str = Field(default="", max_length=300)
    updated_at: datetime = timestamp()
