"""Live events of a burst (a sending run debits the wallet and moves hundreds of attempts a
second): told at once, then at most once every EVERY_MS per topic and kind; what was held back
meanwhile is told by `flush_held`, the scheduler's tick (every second), so the burst's last
change always reaches the open pages and never more than about one event a second per page."""
from __future__ import annotations

import json
import secrets

from redis.exceptions import ResponseError

from services.infra.redis import get_redis
from services.live.events import publish

EVERY_MS = 500
_TOLD = "bgc:live-told:{topic}:{kind}"
_HELD = "bgc:live-held"  # hash: "topic|kind" -> the latest data, JSON


def publish_throttled(topic: str, kind: str, every_ms: int = EVERY_MS, **data) -> bool:
    """Publish now unless this topic and kind was told less than `every_ms` ago (then held for
    the next flush, with the latest data); True when published now."""
    r = get_redis()
    if r.set(_TOLD.format(topic=topic, kind=kind), 1, nx=True, px=every_ms):
        publish(topic, kind, **data)
        return True
    r.hset(_HELD, f"{topic}|{kind}", json.dumps(data))
    return False


def flush_held() -> int:
    """Publish every held event once; the number published."""
    r = get_redis()
    taken = f"{_HELD}:{secrets.token_hex(8)}"
    try:
        r.rename(_HELD, taken)  # atomic: what is held from now on waits for the next flush
    except ResponseError:  # nothing held
        return 0
    held = r.hgetall(taken)
    r.delete(taken)
    for key, data in held.items():
        topic, _, kind = key.rpartition("|")
        publish(topic, kind, **json.loads(data))
    return len(held)
