"""Reading the sandbox inbox the way a person would, over its HTTP API."""
from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request


def messages_to(sandbox_url: str, email: str) -> list[dict]:
    query = urllib.parse.urlencode({"to": email})
    with urllib.request.urlopen(f"{sandbox_url}/inbox/api/messages?{query}", timeout=5) as r:
        return json.loads(r.read())


def wait_for_message(sandbox_url: str, email: str, count: int = 1, timeout: float = 30) -> dict:
    """The newest message once `count` messages have reached `email` (delivery is async)."""
    deadline = time.monotonic() + timeout
    while True:
        found = messages_to(sandbox_url, email)
        if len(found) >= count:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no email #{count} for {email} within {timeout} s")
        time.sleep(0.1)  # the worker delivers asynchronously; we poll its result


def link_in(message: dict) -> str:
    return re.search(r"https?://\S+", message["text"]).group(0)
