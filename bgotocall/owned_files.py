"""A file a download route serves only to whom may have it: the session from its cookie, the
service's own check (None: not found or not theirs, answered alike with a 404), and a refusal
recorded for a signed-in caller who asked for what is not theirs."""
from __future__ import annotations

from typing import Callable, TypeVar

from starlette.requests import Request

from services.identity.access import AuthContext
from services.identity.audit import record_refusal
from services.identity.sessions import SESSION_COOKIE, resolve_session

Found = TypeVar("Found")


def owned_file(request: Request, find: Callable[[AuthContext | None], Found | None],
               area: str, action: str) -> Found | None:
    ip = request.client.host if request.client else ""
    ctx = resolve_session(request.cookies.get(SESSION_COOKIE, ""), ip)
    found = find(ctx)
    if found is None and ctx is not None:
        record_refusal(ctx, area, action, ip)
    return found
