"""Open pixel and click redirects of campaign emails, signed so they cannot be forged.

Each link carries the tenant, the attempt and an HMAC (the platform's secret) over them —
and, for a click, over the destination itself: the redirect serves only a link that our
rendering signed for that very attempt, never an address put in the URL by someone else
(no open redirect). A valid open or click moves the attempt forward through the engine's
one rule (progress.advance: READ, then CLICKED), so replays change nothing.
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.progress import advance, announce
from services.models.interactions import Channel, Interaction, InteractionStatus as S
from services.settings import get_settings

OPEN_PATH = "/api/messaging/email/open"
CLICK_PATH = "/api/messaging/email/click"


def _signature(purpose: str, tenant_id: int, attempt_id: int, url: str = "") -> str:
    message = f"{purpose}:{tenant_id}:{attempt_id}:{url}".encode()
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def open_url(tenant_id: int, attempt_id: int) -> str:
    query = urlencode({"t": tenant_id, "a": attempt_id,
                       "s": _signature("open", tenant_id, attempt_id)})
    return f"{get_settings().public_url}{OPEN_PATH}?{query}"


def click_url(tenant_id: int, attempt_id: int, destination: str) -> str:
    query = urlencode({"t": tenant_id, "a": attempt_id, "u": destination,
                       "s": _signature("click", tenant_id, attempt_id, destination)})
    return f"{get_settings().public_url}{CLICK_PATH}?{query}"


def is_signed(purpose: str, tenant_id: int, attempt_id: int, signature: str,
              url: str = "") -> bool:
    return hmac.compare_digest(_signature(purpose, tenant_id, attempt_id, url), signature or "")


def record(tenant_id: int, attempt_id: int, status: str) -> bool:
    """An open (READ) or a click (CLICKED) of this email attempt; False if there is none."""
    with tenant_session(system_context(tenant_id)) as s:
        row = s.get(Interaction, attempt_id)
        if row is None or row.channel != Channel.EMAIL.value:
            return False
        advance(s, attempt_id, status, outcome="click" if status == S.CLICKED.value else "open")
    announce(tenant_id, [row.campaign_id])
    return True
