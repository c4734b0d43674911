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


def check_login_allowed(email: str, client_ip: str) -> Throttled | None:
    """None when a login attempt may proceed, else how long to wait."""
    s = get_settings()
    acct_key, ip_key = _keys(email, client_ip)
    r = get_redis()
    for key, limit in ((acct_key, s.login_max_failures_account),
                       (ip_key, s.login_max_failures_address)):
        if int(r.get(key) or 0) >= limit:
            return Throttled(max(int(r.ttl(key)), 1))
    return None


def record_login_failure(email: str, client_ip: str) -> None:
    window = get_settings().login_window_seconds
    pipe = get_redis().pipeline()
    for key in _keys(email, client_ip):
        pipe.set(key, 0, ex=window, nx=True)  # the window starts at the first failure
        pipe.incr(key)
    pipe.execute()


def clear_login_failures(email: str) -> None:
    get_redis().delete(_keys(email, "")[0])
