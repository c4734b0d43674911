"""The sandbox's SMTP sink (aiosmtpd): whatever an SMTP client relays to it lands in the
sandbox inbox beside the SendGrid twin's mails, with its headers (Message-ID,
List-Unsubscribe...), text and HTML parts. It accepts every recipient and never relays.
The product's SMTP adapter asks the inbox for a Message-ID to reconcile an interrupted send.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller

from services.sandbox.sendgrid.app import Mailbox


def record_of(raw: bytes, envelope_from: str, recipients: list[str]) -> dict:
    """The inbox record of one received message."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    return {
        "id": secrets.token_urlsafe(16), "received_at": datetime.now(timezone.utc).isoformat(),
        "from": envelope_from, "to": list(recipients), "subject": str(message["subject"] or ""),
        "text": text.get_content() if text else "", "html": html.get_content() if html else "",
        "message_id": str(message["message-id"] or "").strip(),
        "headers": {k: str(v) for k, v in message.items()},
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
