"""Audience tables of a tenant (UC-CP-06, UC-DG-04): lists, contacts, custom fields,
remote database sources, the blacklist and its audit trail.

Declared once on the placeholder schema; alembic/tenant/versions/t0003_audience.py creates
them with the indexes that make contact search instant among a million rows.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp

_SCHEMA = {"schema": TENANT_SCHEMA_PLACEHOLDER}


class ListStatus(str, enum.Enum):
    EN_COURS = "EN_COURS"
    PRETE = "PRETE"
    ECHEC = "ECHEC"


class ContactList(SQLModel, table=True):
    """A list of contacts and the import job that fills it (one transaction per import)."""

    __tablename__ = "contact_list"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    source_kind: str = Field(max_length=20)  # "file" or "database"
    source_label: str = Field(default="", max_length=300)  # shown to the user, never a path
    source: dict = Field(default_factory=dict, sa_type=JSON)  # how the worker reopens it
    mapping: dict = Field(default_factory=dict, sa_type=JSON)
    dedupe_on: str = Field(default="telephone", max_length=20)
    status: str = Field(default=ListStatus.EN_COURS.value, max_length=20)
    failure_reason: str = Field(default="", max_length=2000)
    expected_rows: int = 0
    processed_rows: int = 0
    total: int = 0
    errors: int = 0
    duplicates: int = 0
    blacklisted: int = 0
    accepted: int = 0
    created_by: Optional[int] = None
    created_at: datetime = timestamp()
    heartbeat_at: datetime = timestamp()
    finished_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class ContactRecord(SQLModel, table=True):
    """One contact of a list. Written by COPY; name_key/name_key_rev serve prefix search."""

    __tablename__ = "contact"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    list_id: int = Field(sa_column=Column(
        Integer, ForeignKey(f"{TENANT_SCHEMA_PLACEHOLDER}.contact_list.id", ondelete="CASCADE"),
        nullable=False))
    line: int = 0
    nom: str = ""
    prenom: str = ""
    telephone: str = ""  # E.164 or ""
    email: str = ""
    identifiant: str = ""
    extra: dict = Field(default_factory=dict, sa_type=JSON)
    name_key: str = ""  # "nom prenom", lowercased, without accents
    name_key_rev: str = ""  # "prenom nom"


class CustomField(SQLModel, table=True):
    """A tenant's own contact field (e.g. ID_Client, Zone_Geographique)."""

    __tablename__ = "custom_field"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=60)
    kind: str = Field(default="texte", max_length=10)  # services.audience.field_kinds.FieldKind
    created_at: datetime = timestamp()


class DatabaseSource(SQLModel, table=True):
    """A remote database the tenant imports from; the login and password are encrypted."""

    __tablename__ = "database_source"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    url: str = Field(max_length=500)  # without credentials
    credentials: str  # Fernet token of {"username", "password"}
    table_name: str = Field(default="", max_length=200)
    query: str = Field(default="", max_length=10_000)
    created_by: Optional[int] = None
    created_at: datetime = timestamp()


class OptOutSource(str, enum.Enum):
    STOP = "STOP"  # an SMS / WhatsApp "STOP" reply
    UNSUBSCRIBE_LINK = "UNSUBSCRIBE_LINK"
    AGENT_DISPOSITION = "AGENT_DISPOSITION"
    MANUAL = "MANUAL"
    IMPORT = "IMPORT"


class OptOutChannel(str, enum.Enum):
    SMS = "SMS"
    EMAIL = "EMAIL"
    WHATSAPP = "WHATSAPP"
    VOIX = "VOIX"
    TOUS = "TOUS"


class OptOut(SQLModel, table=True):
    """One blacklist entry: exactly one of an E.164 phone or a lowercased e-mail."""

    __tablename__ = "opt_out"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    phone: Optional[str] = Field(default=None, max_length=16)
    email: Optional[str] = Field(default=None, max_length=254)
    channel: str = Field(max_length=20)
    source: str = Field(max_length=30)
    note: str = Field(default="", max_length=500)
    created_by: Optional[int] = None
    created_at: datetime = timestamp()


class OptOutEvent(SQLModel, table=True):
    """Audit trail of the blacklist: every addition, import and removal."""

    __tablename__ = "opt_out_event"
    __table_args__ = _SCHEMA

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = timestamp()
    action: str = Field(max_length=20)  # ADD, REMOVE, IMPORT
    phone: Optional[str] = Field(default=None, max_length=16)
    email: Optional[str] = Field(default=None, max_length=254)
    channel: str = Field(default="", max_length=20)
    source: str = Field(default="", max_length=30)
    user_id: Optional[int] = None
    detail: str = Field(default="", max_length=1000)
