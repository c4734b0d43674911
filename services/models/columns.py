"""Column helpers shared by platform and tenant tables."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlmodel import Field

PLATFORM_SCHEMA = "platform"
# Placeholder schema of tenant tables, replaced per session by schema_translate_map.
TENANT_SCHEMA_PLACEHOLDER = "tenant"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(nullable: bool = False, default_now: bool = True):
    if default_now:
        return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=nullable)
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable)


__all__ = ["PLATFORM_SCHEMA", "TENANT_SCHEMA_PLACEHOLDER", "timestamp", "utcnow"]
