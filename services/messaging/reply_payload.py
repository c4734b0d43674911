"""What a conversation reply carries besides its text, read by the sending engine.

A reply attempt points at its thread message (`step = -message.id`, services/conversations/
replies.py); the message's `media` list says what goes besides plain text: an entry of type
"template" is the approved WhatsApp template call (name, language, values of {{1}}...) that
replaces free text outside the 24-hour window. The attempt itself keeps only the text, so the
engine's claim and checks stay the same for every reply.
"""
from __future__ import annotations

from sqlalchemy import select

from services.models.conversations import ConversationMessage
from services.models.interactions import Interaction

TEMPLATE = "template"

TemplateTuple = tuple[str, str, tuple[str, ...]]  # Outgoing.template: name, language, values


def template_entry(name: str, language: str, parameters: tuple[str, ...]) -> dict:
    return {"type": TEMPLATE, "name": name, "language": language,
            "parameters": list(parameters)}


def reply_templates(session, attempts: list[Interaction]) -> dict[int, TemplateTuple]:
    """attempt id -> its template call, for the reply attempts of a batch that send one."""
    by_message = {-a.step: a.id for a in attempts if a.conversation_id is not None}
    if not by_message:
        return {}
    found = {}
    for message_id, media in session.execute(select(
            ConversationMessage.id, ConversationMessage.media).where(
            ConversationMessage.id.in_(list(by_message)))):
        for entry in media or []:
            if entry.get("type") == TEMPLATE:
                found[by_message[message_id]] = (entry["name"], entry["language"],
                                                 tuple(entry.get("parameters") or ()))
    return found
