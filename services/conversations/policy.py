"""What an agent may send on a channel, now: the one place where a channel's own rule plugs in.

`channel_policy(conversation, now)` answers before every reply (and for the composer, so the
console shows why it is locked and until when). SMS has no rule of its own: free text, always.

WhatsApp's rule belongs here: free text only inside the 24-hour customer-service window that
the customer's last message opened (`conversation.last_inbound_at`), templates only outside
it, the window's end shown. The WhatsApp adapter registers it with
`register_policy("whatsapp", rule)` at import; until then WhatsApp gets the SMS default.

A rule is `rule(conversation, now) -> Policy`; it must not touch the database (it runs on
every keystroke of the composer).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from services.models.conversations import Conversation


@dataclass(frozen=True)
class Policy:
    free_text: bool  # the agent may type any text
    templates_only: bool = False  # only an approved template may go (WhatsApp outside window)
    window_ends_at: datetime | None = None  # when free text stops being allowed (None: never)
    reason: str = ""  # French, shown in the composer when free text is not allowed


FREE_TEXT = Policy(free_text=True)

Rule = Callable[[Conversation, datetime], Policy]
_RULES: dict[str, Rule] = {}


def register_policy(channel: str, rule: Rule) -> None:
    """Plug a channel's rule in (channel: 'sms' | 'whatsapp'); the last one registered wins."""
    _RULES[channel] = rule


def channel_policy(conversation: Conversation, now: datetime) -> Policy:
    rule = _RULES.get(conversation.channel)
    return rule(conversation, now) if rule else FREE_TEXT
