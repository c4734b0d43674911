"""Images and PDFs in a conversation, both ways.

Invariant: a file is only ever served to a caller who may see its conversation
(routing.visible_conversation: tenant, role, assignment), and only as what its first bytes
prove it is — a JPEG, PNG or WebP image (shown inline) or a PDF (always downloaded as an
attachment); anything else, HTML included, is never served. The same check admits an agent's
attachment: at most MAX_BYTES, an image or a PDF by its content, not by its name.

Inbound: Meta gives a media id, not a link (the message's media entry keeps `meta_media_id`);
`media_file` fetches the bytes through the tenant's WhatsApp adapter (download_media) when a
person opens it. Outbound (`attach`): the file is stored under the data folder
(<data>/storage/<tenant schema>/conversations/), the reply's message lists it, and the
sending engine uploads it to Meta and sends it as an image or document message
(services/messaging/reply_payload.py) — inside the 24-hour window only, like free text.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from services.conversations.replies import ReplyError, Sent, answer_with
from services.conversations.routing import console_actor, visible_conversation
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied, AuthContext
from services.models.conversations import ConversationChannel, ConversationMessage
from services.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024  # Meta's limit for images (documents may be larger: one rule here)
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PDF = "application/pdf"


@dataclass(frozen=True)
class MediaFile:
    content: bytes
    mime_type: str  # one of IMAGE_TYPES or PDF, from the bytes
    filename: str
    inline: bool  # images are shown; PDFs are downloaded


def sniffed_type(content: bytes) -> str:
    """The content type the bytes prove ("" when neither an image we show nor a PDF)."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF-"):
        return PDF
    return ""


def safe_filename(name: str, mime_type: str) -> str:
    stem = re.sub(r"[^\w. -]", "_", Path(name or "").name).strip(" .")[:80] or "fichier"
    extension = "pdf" if mime_type == PDF else IMAGE_TYPES[mime_type]
    stem = re.sub(r"\.\w{1,5}$", "", stem) or "fichier"
    return f"{stem}.{extension}"


def storage_dir(tenant_schema: str) -> Path:
    return get_settings().data_dir / "storage" / tenant_schema / "conversations"


def stored_path(relative: str) -> Path | None:
    """An attachment's file from its entry's `path` (under the data folder, never outside)."""
    root = (get_settings().data_dir / "storage").resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


# -- reading ---------------------------------------------------------------------------------

def _entry(ctx: AuthContext, message_id: int, index: int) -> dict | None:
    with tenant_session(ctx) as session:
        message = session.execute(select(ConversationMessage).where(
            ConversationMessage.id == message_id)).scalars().first()
        if message is None:
            return None
        visible_conversation(session, ctx, message.conversation_id)  # AccessDenied otherwise
        media = [m for m in (message.media or []) if m.get("type") in ("image", "document")]
    return media[index] if 0 <= index < len(media) else None


def media_file(ctx: AuthContext | None, message_id: int, index: int = 0) -> MediaFile | None:
    """The index-th image or document of a message, for a caller who may see its
    conversation; None otherwise (no session, another tenant, another agent's conversation,
    no such file, or bytes that are neither an image we show nor a PDF)."""
    from services.providers.whatsapp import WhatsAppError
    from services.providers.whatsapp.cloud_api import CloudApiGateway

    try:
        console_actor(ctx)
        entry = _entry(ctx, message_id, index)
    except AccessDenied:
        return None
    if entry is None:
        return None
    if entry.get("path"):
        path = stored_path(entry["path"])
        content = path.read_bytes() if path else b""
    elif entry.get("meta_media_id"):
        try:
            content, _ = CloudApiGateway.for_tenant(ctx.tenant_id).download_media(
                entry["meta_media_id"])
        except WhatsAppError:
            return None
    else:
        return None
    mime_type = sniffed_type(content)
    if not mime_type:
        return None
    return MediaFile(content, mime_type, safe_filename(entry.get("name", ""), mime_type),
                     inline=mime_type != PDF)


# -- sending ---------------------------------------------------------------------------------

def attach(ctx: AuthContext, conversation_id: int, filename: str, content: bytes,
           caption: str = "", now: datetime | None = None) -> Sent:
    """An image or a PDF from the agent, on a WhatsApp conversation, inside the window."""
    console_actor(ctx)
    if len(content) > MAX_BYTES:
        raise ReplyError(f"Fichier trop lourd ({len(content) // 1024} Ko, "
                         f"{MAX_BYTES // 2**20} Mo au plus).")
    mime_type = sniffed_type(content)
    if not mime_type:
        raise ReplyError("Seules les images (JPEG, PNG, WebP) et les PDF peuvent être joints.")
    name = safe_filename(filename, mime_type)
    kind = "document" if mime_type == PDF else "image"

    def compose(session, conversation, policy) -> tuple[str, list]:
        if conversation.channel != ConversationChannel.WHATSAPP.value:
            raise ReplyError("Les pièces jointes ne s'envoient que sur WhatsApp.")
        if not policy.free_text:
            raise ReplyError(policy.reason or "Pièce jointe non autorisée maintenant.")
        folder = storage_dir(ctx.tenant_schema)
        folder.mkdir(parents=True, exist_ok=True)
        stored = f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[1]}"
        (folder / stored).write_bytes(content)
        return (caption or "").strip()[:1000] or name, [{
            "type": kind, "url": "", "name": name, "mime_type": mime_type,
            "path": f"{ctx.tenant_schema}/conversations/{stored}"}]

    return answer_with(ctx, conversation_id, compose, now)
