"""Live events of the console: kind "conversation", carrying only ids.

A tab that hears one reloads what it shows through the server-side visibility rules (the event
itself tells nothing a tab could not read): the console's list and thread, the agent panel's
unread badge. It goes to the agents the conversation is shown to (before and after a change of
assignee) and to the tenant's supervision.
"""
from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlmodel import Session

from services.conversations.routing import agents_of
from services.live import publish, supervision_topic, user_topic
from services.models.conversations import Conversation

KIND = "conversation"


def topics_for(session: Session, tenant_id: int, conversation: Conversation,
               also: set[int] = frozenset()) -> list[str]:
    agents = agents_of(session, conversation) | set(also)
    return [supervision_topic(tenant_id)] + [user_topic(tenant_id, a) for a in sorted(agents)]


def publish_after_commit(session: Session, tenant_id: int, conversation: Conversation,
                         change: str, also: set[int] = frozenset()) -> None:
    """Publish once the session commits (a tab that reloads at once sees the change)."""
    topics = topics_for(session, tenant_id, conversation, also)
    data = {"conversation_id": conversation.id, "change": change}

    def send(_session) -> None:
        publish(topics, KIND, **data)

    sa_event.listen(session, "after_commit", send, once=True)
