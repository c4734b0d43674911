"""Publishing live events on the Redis Stream."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable

from services.infra.redis import get_redis

STREAM = "bgc:live"
# The stream is a transport, not a log: old entries are trimmed.
MAX_LENGTH = 100_000


@dataclass(frozen=True)
class LiveEvent:
    topics: tuple[str, ...]
    kind: str
    data: dict = field(default_factory=dict)

    def to_fields(self) -> dict[str, str]:
        return {"topics": "\n".join(self.topics), "kind": self.kind, "data": json.dumps(self.data)}

    @staticmethod
    def topics_in(fields: dict) -> tuple[str, ...]:
        topics = fields.get("topics") or fields.get("topic") or ""   # "topic": entries of older code
        return tuple(topics.split("\n"))

    @classmethod
    def from_fields(cls, fields: dict) -> "LiveEvent":
        return cls(cls.topics_in(fields), fields["kind"], json.loads(fields.get("data") or "{}"))


def publish(topics: str | Iterable[str], kind: str, **data) -> str:
    """Queue one event for every open page subscribed to any of `topics` (a tab listening to
    several of them gets it once); returns the stream id."""
    return publish_on(get_redis(), topics, kind, **data)


def publish_on(redis, topics: str | Iterable[str], kind: str, **data):
    """`publish` through this client, or through a pipeline: the event then leaves with the
    pipeline's other commands (in its transaction, if it has one)."""
    topics = (topics,) if isinstance(topics, str) else tuple(dict.fromkeys(topics))
    event = LiveEvent(topics, kind, data)
    return redis.xadd(STREAM, event.to_fields(), maxlen=MAX_LENGTH, approximate=True)
