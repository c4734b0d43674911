"""Telling a person something on the pages they have open, as it happens."""
from __future__ import annotations

from services.live import publish, user_topic


def notify_user(tenant_id: int | None, user_id: int, message: str) -> None:
    publish(user_topic(tenant_id, user_id), "notice", message=message)
