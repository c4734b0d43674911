"""Security events: the trail of logins, refusals and forged requests."""
from __future__ import annotations

from services.db.engine import platform_session
from services.models.platform import SecurityEvent


def record_security_event(kind: str, *, user_id: int | None = None,
                          tenant_id: int | None = None, client_ip: str = "",
                          **detail) -> None:
    with platform_session() as session:
        session.add(SecurityEvent(kind=kind, user_id=user_id, tenant_id=tenant_id,
                                  client_ip=client_ip[:64], detail=detail))


def record_refusal(ctx, area: str, action: str, client_ip: str = "") -> None:
    """Log a request refused by a role or tenant check (e.g. a forged browser event)."""
    record_security_event(
        "access_denied",
        user_id=getattr(ctx, "user_id", None),
        tenant_id=getattr(ctx, "tenant_id", None),
        client_ip=client_ip or getattr(ctx, "client_ip", ""),
        area=area, action=action,
        role=getattr(getattr(ctx, "role", None), "value", None),
    )
