"""PBX commands from any process to the pbx bridge, over a Redis Stream read by a consumer group.

`pbx_command("queue_add", queue=..., endpoint=...)` queues a command and (by default) waits for the
bridge's answer on a per-command list; a command queued while the bridge is down is executed when it
comes back (the group keeps it pending), unless the caller stopped waiting and said so.
"""
from __future__ import annotations

import json
import os
import time
import uuid

from services.infra.redis import get_redis

GROUP = "bridge"
REPLY_TTL = 120


class PbxUnavailable(RuntimeError):
    """The PBX (or its bridge) did not carry out the command."""


def stream() -> str:
    """The command stream of this PBX (one bridge group per PBX; configurable per deployment)."""
    return os.environ.get("BGC_PBX_COMMANDS", "bgc:pbx:commands")


def reply_key(command_id: str) -> str:
    return f"bgc:pbx:reply:{command_id}"


def pbx_command(kind: str, *, wait: float | None = 10.0, **args) -> dict:
    """Send a command to the bridge; with `wait`, its result (raises PbxUnavailable on error/timeout)."""
    command_id = uuid.uuid4().hex
    r = get_redis()
    r.xadd(stream(), {"id": command_id, "kind": kind, "args": json.dumps(args), "sent": repr(time.time())},
           maxlen=10_000, approximate=True)
    if not wait:
        return {}
    deadline = time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        popped = r.blpop([reply_key(command_id)], timeout=max(1, min(4, int(left))))
        if popped:
            answer = json.loads(popped[1])
            if not answer["ok"]:
                raise PbxUnavailable(answer["error"])
            return answer["data"]
    raise PbxUnavailable("Le standard téléphonique ne répond pas.")


def answer(command_id: str, ok: bool, data: dict | None = None, error: str = "") -> None:
    r = get_redis()
    r.lpush(reply_key(command_id), json.dumps({"ok": ok, "data": data or {}, "error": error}))
    r.expire(reply_key(command_id), REPLY_TTL)
