"""Reading the sandbox inbox the way a person would, over its HTTP API."""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

from tests.support.waiting import wait_until


def messages_to(sandbox_url: str, email: str) -> list[dict]:
    query = urllib.parse.urlencode({"to": email})
    with urllib.request.urlopen(f"{sandbox_url}/inbox/api/messages?{query}", timeout=5) as r:
        return json.loads(r.read())


def wait_for_message(sandbox_url: str, email: str, count: int = 1, timeout: float = 30) -> dict:
    """The newest message once `count` messages have reached `email` (delivery is async)."""
    found = wait_until(lambda: (m := messages_to(sandbox_url, email)) and len(m) >= count and m,
                       timeout, what=f"email #{count} for {email}")
    return found[0]


def link_in(message: dict) -> str:
    return re.search(r"https?://\S+", message["text"]).group(0)
