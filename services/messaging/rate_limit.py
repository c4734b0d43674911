"""Provider rate limits shared by every worker process: a token bucket per provider account
and sender, kept in Redis and updated by one Lua script (atomic, Redis's own clock).

`reserve` takes a token and says how long to wait before using it: the bucket may go below
zero, so concurrent workers queue up behind each other at the configured rate instead of
all retrying at once; a campaign never outruns the provider and nobody is skipped.
"""
from __future__ import annotations

from services.infra.redis import get_redis

_RESERVE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
if tokens >= 0 then return 0 end
return math.ceil(-tokens * 1000 / rate)
"""
_script = None


def bucket_key(provider: str, account: str, sender: str) -> str:
    return f"bgc:rate:{provider}:{account}:{sender}"


def reserve(key: str, per_second: float, burst: int = 1) -> float:
    """Take one token; the seconds to wait before sending (0 = now). Off when rate <= 0."""
    global _script
    if per_second <= 0:
        return 0.0
    if _script is None:
        _script = get_redis().register_script(_RESERVE)
    return int(_script(keys=[key], args=[per_second, max(burst, 1)])) / 1000


def slow_down(key: str, per_second: float, seconds: float = 1.0) -> None:
    """The provider answered 429: the bucket owes `seconds` worth of tokens, so every worker
    sending through this account and sender pauses that long."""
    if per_second > 0:
        get_redis().hincrbyfloat(key, "tokens", -per_second * seconds)


def give_back(key: str, per_second: float) -> None:
    """Return a token taken by `reserve` that will not be used (the sender waits for a later
    turn instead of holding a thread): the senders queued behind move up."""
    if per_second > 0:
        get_redis().hincrbyfloat(key, "tokens", 1)
