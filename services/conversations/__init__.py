"""Conversations: SMS and WhatsApp threads answered by agents in one console (issue 17,
UC-DG-03). The channel-agnostic API both channels use — keep it stable:

- `receive_inbound(session, tenant_id, channel, from_address, body, provider_message_id,
  media=None, *, to_address="", provider="")` — a customer's message in (inbound.py);
- `close_on_opt_out(session, tenant_id, channel, from_address, body, provider_message_id)` —
  a STOP, after the opt-out path blacklisted the contact (inbound.py);
- `reply(ctx, conversation_id, text)` — an agent's answer through the sending engine
  (replies.py), `estimate(channel, text, currency, prices)` for the composer;
  `reply_template(ctx, conversation_id, template_id, variables)` — an approved WhatsApp
  template (the one answer outside the 24-hour window); `attach(ctx, conversation_id,
  filename, content)` and `media_file(ctx, message_id, n)` — images and PDFs (media.py);
- `assign`, `close_conversation`, `set_routing_team`, `list_conversations`, `thread`,
  `unread_count` (console.py);
- `register_policy(channel, rule)` / `channel_policy(conversation, now)` — where WhatsApp's
  24-hour window and templates-only rule plug in (policy.py).
"""
from services.conversations.console import (  # noqa: F401
    ConsoleError, assign, close_conversation, contact_conversations, list_conversations,
    set_routing_team, thread, unread_count,
)
from services.conversations.inbound import Inbound, close_on_opt_out, receive_inbound  # noqa: F401
from services.conversations.policy import Policy, channel_policy, register_policy  # noqa: F401
from services.conversations.replies import ReplyError, Sent, estimate, reply  # noqa: F401
from services.messaging import whatsapp_window  # noqa: E402,F401  (registers WhatsApp's 24-hour rule)
