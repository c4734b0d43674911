"""WhatsApp's customer-service window, plugged into the conversation console's policy hook.

Meta delivers free text only within 24 hours of the customer's last message; outside that
window only an approved template goes (else error 131047, "re-engagement message"). The
console asks before every reply and shows the window's end; this rule answers from the
conversation's `last_inbound_at` alone (it runs on each keystroke: no database).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from services.conversations.policy import Policy, register_policy
from services.models.conversations import Conversation

WINDOW = timedelta(hours=24)


def window_end(last_inbound_at: datetime | None) -> datetime | None:
    """When the window the customer's last message opened closes (None: never opened)."""
    return last_inbound_at + WINDOW if last_inbound_at else None


def whatsapp_policy(conversation: Conversation, now: datetime) -> Policy:
    end = window_end(conversation.last_inbound_at)
    if end is not None and now < end:
        return Policy(free_text=True, window_ends_at=end)
    return Policy(free_text=False, templates_only=True, window_ends_at=end,
                  reason="Fenêtre de 24 h fermée : le client n'a pas écrit depuis plus de "
                         "24 heures, seul un modèle WhatsApp approuvé peut être envoyé.")


register_policy("whatsapp", whatsapp_policy)
