"""The sandbox's SMTP sink (aiosmtpd): whatever an SMTP client relays to it lands in the
sandbox inbox beside the SendGrid twin's mails, with its headers (Message-ID,
List-Unsubscribe...), text and HTML parts. It accepts every recipient and never relays.
The product's SMTP adapter asks the inbox for a Message-ID to reconcile an interrupted send.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser

from aiosmtpd.controller import Controller

from services.sandbox.sendgrid.app import Mailbox


def _decoded(value) -> str:
    """A header as read: RFC 2047 words decoded, folding undone."""
    return str(make_header(decode_header(str(value or "")))).replace("\r\n", "").replace("\n", "").strip()


def _body(message: Message, subtype: str) -> str:
    """The first `text/<subtype>` part that is not an attachment, decoded."""
    for part in message.walk():
        if (part.get_content_type() == f"text/{subtype}"
                and part.get_content_disposition() != "attachment"):
            payload = part.get_payload(decode=True) or b""
            return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def record_of(raw: bytes, envelope_from: str, recipients: list[str]) -> dict:
    """The inbox record of one received message (the email package's classic parser: the
    modern one cost several milliseconds a message at campaign volumes)."""
    message = BytesParser().parsebytes(raw)
    return {
        "id": secrets.token_urlsafe(16), "received_at": datetime.now(timezone.utc).isoformat(),
        "from": envelope_from, "to": list(recipients), "subject": _decoded(message["subject"]),
        "text": _body(message, "plain"), "html": _body(message, "html"),
        "message_id": _decoded(message["message-id"]),
        "headers": {k: _decoded(v) for k, v in message.items()},
        "custom_args": {}, "attachments": [], "via": "smtp",
    }


class SinkHandler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mailbox.add(record_of(envelope.original_content or envelope.content,
                                   envelope.mail_from, envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def start_sink(mailbox: Mailbox, port: int, host: str = "127.0.0.1") -> Controller:
    """The sink on its own thread; `.stop()` ends it."""
    controller = Controller(SinkHandler(mailbox), hostname=host, port=port)
    controller.start()
    return controller
