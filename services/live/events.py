"""Publishing live events on the Redis Stream."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from services.infra.redis import get_redis

STREAM = "bgc:live"
# The stream is a transport, not a log: old entries are trimmed.
MAX_LENGTH = 100_000


@dataclass(frozen=True)
class LiveEvent:
    topic: str
    kind: str
    data: dict = field(default_factory=dict)

    def to_fields(self) -> dict[str, str]:
        return {"topic": self.topic, "kind": self.kind, "data": json.dumps(self.data)}

    @classmethod
    def from_fields(cls, fields: dict) -> "LiveEvent":
        return cls(fields["topic"], fields["kind"], json.loads(fields.get("data") or "{}"))


def publish(topic: str, kind: str, **data) -> str:
    """Queue an event for every open page subscribed to `topic`; returns the stream id."""
    event = LiveEvent(topic, kind, data)
    return get_redis().xadd(STREAM, event.to_fields(), maxlen=MAX_LENGTH, approximate=True)
