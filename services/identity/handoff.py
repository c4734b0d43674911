"""One-time codes that hand a new session over to the browser's HttpOnly cookie.

The login happens over the page's websocket, which cannot set an HttpOnly cookie; the page
then opens an HTTP route with a code that is good once, for a minute, and only yields the
session token there, in a Set-Cookie header page scripts cannot read.
"""
from __future__ import annotations

from services.identity.tokens import new_token, token_hash
from services.infra.redis import get_redis

CODE_SECONDS = 60


def _key(code: str) -> str:
    return f"session-handoff:{token_hash(code)}"


def issue_handoff_code(session_token: str) -> str:
    code = new_token()
    get_redis().set(_key(code), session_token, ex=CODE_SECONDS)
    return code


def redeem_handoff_code(code: str) -> str:
    """The session token of a code not used yet and not expired, else ""."""
    if not code:
        return ""
    pipe = get_redis().pipeline(transaction=True)  # read and delete as one step: used once
    pipe.get(_key(code))
    pipe.delete(_key(code))
    token, _ = pipe.execute()
    return token.decode() if isinstance(token, bytes) else (token or "")
