"""Tables of each tenant's own schema, declared once on a placeholder schema."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp


class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = {"schema": TENANT_SCHEMA_PLACEHOLDER}

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    description: str = Field(default="", max_length=500)
    created_at: datetime = timestamp()
