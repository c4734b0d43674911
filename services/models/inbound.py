"""Tenant tables of inbound routing: the IVR menus a DID leads to (services/voice/ivr.py).

A menu plays its greeting, waits for a key (1-9) and each key leads to a queue, another menu, the
voicemail or the end of the call; a timeout or a key with no option is repeated up to `max_tries`,
then the `fallback` action runs. With opening hours set, a call outside them hears `closed_audio`
and gets the closed action (never a queue). The DID -> menu link is `phone_number.ivr_menu_id`.
alembic/tenant/versions/t0009_inbound.py creates them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp

_S = {"schema": TENANT_SCHEMA_PLACEHOLDER}


class IvrMenu(SQLModel, table=True):
    __tablename__ = "ivr_menu"
    __table_args__ = _S

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=80)
    greeting_text: str = Field(default="", max_length=500)      # what the recorded prompt says
    greeting_audio: str = Field(max_length=60)                  # a sound file name, without extension
    timeout_seconds: int = 5
    max_tries: int = 3
    options: list = Field(default_factory=list, sa_type=JSON)   # [{"digit", "action", "target"}]
    fallback: dict = Field(default_factory=dict, sa_type=JSON)  # {"action", "target"} after max_tries
    hours: dict = Field(default_factory=dict, sa_type=JSON)     # {} always open; {"days": [0..6], "start", "end"}
    closed_audio: str = Field(default="", max_length=60)
    closed_action: dict = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = timestamp()
