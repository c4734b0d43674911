"""Tenant tables of Paramètres: operating settings, phone numbers (DIDs) and the SIP trunk."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp

_S = {"schema": TENANT_SCHEMA_PLACEHOLDER}


class TenantSettings(SQLModel, table=True):
    """One row (id 1): what the call flows and the messaging engine read."""

    __tablename__ = "tenant_settings"
    __table_args__ = _S

    id: int = Field(default=1, primary_key=True)
    timezone: str = Field(max_length=64)
    default_country: str = Field(max_length=2)
    pause_reasons: list = Field(default_factory=list, sa_type=JSON)
    max_wrapup_seconds: int = 60
    recording_retention_days: int = 90
    email_provider: str = Field(default="sendgrid", max_length=20)   # sendgrid | smtp
    stop_confirmation: bool = False   # an SMS confirms a STOP (UC-DG-04)
    updated_at: datetime = timestamp()


class PhoneNumber(SQLModel, table=True):
    """A DID of the tenant: shown as caller ID by some campaigns, routed to one campaign."""

    __tablename__ = "phone_number"
    __table_args__ = _S

    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=16)            # E.164
    label: str = Field(max_length=80)
    caller_id_campaigns: list = Field(default_factory=list, sa_type=JSON)   # campaign ids
    route_campaign_id: Optional[int] = None                    # None: the inbound IVR
    ivr_menu_id: Optional[int] = None                          # the IVR menu a call to it enters
    created_at: datetime = timestamp()


class SipTrunk(SQLModel, table=True):
    """The tenant's own SIP trunk (one row, id 1); the password is sealed like agents' secrets."""

    __tablename__ = "sip_trunk"
    __table_args__ = _S

    id: int = Field(default=1, primary_key=True)
    host: str = Field(max_length=255)
    port: int = 5060
    username: str = Field(max_length=80)
    password_sealed: str
    codecs: list = Field(default_factory=list, sa_type=JSON)
    updated_at: datetime = timestamp()
