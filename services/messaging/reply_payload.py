"""What a conversation reply carries besides its text, read by the sending engine.

A reply attempt points at its thread message (`step = -message.id`, services/conversations/
replies.py); the message's `media` list says what goes besides plain text: an entry of type
"template" is the approved WhatsApp template call (name, language, values of {{1}}...) that
replaces free text outside the 24-hour window; an "image" or "document" entry with a `path`
is the agent's attachment, stored under the data folder (services/conversations/media.py),
uploaded to Meta when the message goes. The attempt itself keeps only the text, so the
engine's claim and checks stay the same for every reply.
"""
from __future__ import annotations

from sqlalchemy import select

from services.models.conversations import ConversationMessage
from services.models.interactions import Interaction

TEMPLATE = "template"

TemplateTuple = tuple[str, str, tuple[str, ...]]  # Outgoing.template: name, language, values
AttachmentTuple = tuple[str, str, str, str]  # Outgoing.attachment: kind, path, filename, mime


def template_entry(name: str, language: str, parameters: tuple[str, ...]) -> dict:
    return {"type": TEMPLATE, "name": name, "language": language,
            "parameters": list(parameters)}


def reply_payloads(session, attempts: list[Interaction]
                   ) -> dict[int, tuple[TemplateTuple | None, AttachmentTuple | None]]:
    """attempt id -> (template call, attachment), for the reply attempts of a batch that
    carry either."""
    by_message = {-a.step: a.id for a in attempts if a.conversation_id is not None}
    if not by_message:
        return {}
    found = {}
    for message_id, media in session.execute(select(
            ConversationMessage.id, ConversationMessage.media).where(
            ConversationMessage.id.in_(list(by_message)))):
        template = attachment = None
        for entry in media or []:
            if entry.get("type") == TEMPLATE:
                template = (entry["name"], entry["language"],
                            tuple(entry.get("parameters") or ()))
            elif entry.get("path"):
                attachment = (entry["type"], entry["path"], entry.get("name", ""),
                              entry.get("mime_type", ""))
        if template or attachment:
            found[by_message[message_id]] = (template, attachment)
    return found
