"""Throttling of failed logins, per account and per client address, shared in Redis."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from services.infra.redis import get_redis
from services.settings import get_settings


@dataclass(frozen=True)
class Throttled:
    retry_after_seconds: int


def _keys(email: str, client_ip: str) -> tuple[str, str]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:acct:{account}", f"login-fail:ip:{client_ip or 'unknown'}"


def count_login_attempt(email: str, client_ip: str) -> Throttled | None:
    """Count this attempt against the account and the address before the password is
    checked (one atomic INCR each), so parallel attempts cannot all pass a check made
    before any of them is counted. None when it may proceed, else how long to wait."""
    s = get_settings()
    keys = _keys(email, client_ip)
    pipe = get_redis().pipeline()
    for key in keys:
        pipe.set(key, 0, ex=s.login_window_seconds, nx=True)  # the window starts at the first
        pipe.incr(key)
        pipe.ttl(key)
    replies = pipe.execute()
    counts, ttls = replies[1::3], replies[2::3]
    for count, ttl, limit in zip(counts, ttls, (s.login_max_failures_account,
                                                s.login_max_failures_address)):
        if count > limit:
            return Throttled(max(int(ttl), 1))
    return None


def forgive_login_attempt(email: str, client_ip: str) -> None:
    """The password was right: the account starts afresh and the address gets this attempt back."""
    acct_key, ip_key = _keys(email, client_ip)
    get_redis().eval(_FORGIVE, 2, acct_key, ip_key)


# An expired address counter is not recreated at -1 (that would be a credit with no end).
_FORGIVE = """
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('DECR', KEYS[2]) end
"""
