"""The sandbox's SMTP sink (aiosmtpd): whatever an SMTP client relays to it lands in the
sandbox inbox beside the SendGrid twin's mails, with its headers (Message-ID,
List-Unsubscribe...), text and HTML parts. It accepts every recipient and never relays.
The product's SMTP adapter asks the inbox for a Message-ID to reconcile an interrupted send.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone

import uvloop
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from services.sandbox.mail_parts import headers_of
from services.sandbox.sendgrid.app import Mailbox


def record_of(raw: bytes, envelope_from: str, recipients: list[str], peer: str = "") -> dict:
    """The inbox record of one received message, with the client's address and port (what a
    relay's Received: header says); its parts are read when the inbox is."""
    return {"id": secrets.token_urlsafe(16), "received_at": datetime.now(timezone.utc).isoformat(),
            "from": envelope_from, "to": list(recipients), **headers_of(raw),
            "custom_args": {}, "attachments": [], "via": "smtp", "received_from": peer}


class SinkHandler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope) -> str:
        host, port = (session.peer or ("", ""))[:2]
        self.mailbox.add(record_of(envelope.original_content or envelope.content,
                                   envelope.mail_from, envelope.rcpt_tos, f"{host}:{port}"))
        return "250 Message accepted for delivery"


# `<local@domain>` with a dot-atom local part, optional parameters after it (SIZE=, BODY=...)
_PLAIN_PATH = re.compile(r"\s*<([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                         r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>[ \t]*([^(]*)", re.DOTALL)


class SinkSMTP(SMTP):
    def _getaddr(self, arg: str):
        """The common MAIL FROM / RCPT TO path read directly; anything else (quoted local parts,
        address literals, no brackets) by aiosmtpd's full RFC 5322 parser, which took a sixth of
        the sink's time at campaign volumes."""
        plain = _PLAIN_PATH.fullmatch(arg or "")
        if plain is None:
            return super()._getaddr(arg)
        address, rest = plain.groups()
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest


class SinkController(Controller):
    def factory(self) -> SMTP:
        return SinkSMTP(self.handler, **self.SMTP_kwargs)


def start_sink(mailbox: Mailbox, port: int, host: str = "127.0.0.1") -> Controller:
    """The sink on its own thread (and event loop); `.stop()` ends it."""
    controller = SinkController(SinkHandler(mailbox), loop=uvloop.new_event_loop(), hostname=host,
                                port=port)
    controller.start()
    return controller
