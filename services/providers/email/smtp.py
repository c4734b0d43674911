"""SMTP, the second email adapter: any relay (host, port, optional STARTTLS and login from
the environment: SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, SMTP_USERNAME, SMTP_PASSWORD);
by default the sandbox's SMTP sink.

SMTP gives no message id back: we set the Message-ID ourselves (derived from our attempt
key by the caller), which is what the relay's logs — and the sandbox sink — know it by.
A 4xx reply or a lost connection is transient; a 5xx reply (refused recipient, rejected
content) is permanent.
"""
from __future__ import annotations

import base64
import smtplib
import threading
import time
from email.encoders import encode_base64
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from services.providers.email import EmailDeliveryError, EmailMessage
from services.settings import get_settings

TIMEOUT_SECONDS = 30
IDLE_CHECK_SECONDS = 5  # a connection idle for longer is checked (NOOP) before reuse


def _header(value: str) -> str | Header:
    """ASCII as is; anything else RFC 2047-encoded in UTF-8."""
    return value if value.isascii() else Header(value, "utf-8")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name and address else value


def _attachment(item: dict[str, str]) -> MIMEBase:
    maintype, _, subtype = (item["type"] or "application/octet-stream").partition("/")
    part = MIMEBase(maintype, subtype or "octet-stream")
    part.set_payload(base64.b64decode(item["content"]))
    encode_base64(part)
    filename = item["filename"]
    part.add_header("Content-Disposition", "attachment",
                    filename=filename if filename.isascii() else ("utf-8", "", filename))
    return part


def mime_of(message: EmailMessage, sender: str) -> Message:
    """The MIME message as relayed: text (and HTML) in UTF-8, files attached. Built with the
    email package's classic classes, several times cheaper than its `EmailMessage` API, which
    counted at campaign volumes."""
    body: Message = MIMEText(message.text or " ", "plain", "utf-8")
    if message.html:
        body = MIMEMultipart("alternative", _subparts=[body, MIMEText(message.html, "html", "utf-8")])
    mime = body
    if message.attachments:
        mime = MIMEMultipart("mixed", _subparts=[body, *map(_attachment, message.attachments)])
    mime["From"], mime["To"] = _address(sender), _address(message.to)
    mime["Subject"] = _header(message.subject)
    mime["Date"] = formatdate(localtime=False, usegmt=True)
    mime["Message-ID"] = message.message_id or make_msgid(domain=sender.rpartition("@")[2])
    for name, value in message.headers.items():
        mime[name] = _header(value)
    return mime


class SmtpGateway:
    """One connection per thread, kept between messages (a NOOP checks it before reusing it
    after IDLE_CHECK_SECONDS; a connection that fails is dropped, never used again)."""

    name = "smtp"

    def __init__(self, host: str, port: int, username: str, password: str, starttls: bool,
                 default_sender: str):
        self.host, self.port, self.starttls = host, port, starttls
        self._login = (username, password) if username else None
        self._default_sender = default_sender
        self._local = threading.local()

    @classmethod
    def from_settings(cls) -> "SmtpGateway":
        s = get_settings()
        return cls(s.smtp_host, s.smtp_port, s.smtp_username, s.smtp_password, s.smtp_starttls,
                   s.email_sender)

    def _connection(self) -> smtplib.SMTP:
        smtp = getattr(self._local, "smtp", None)
        if smtp is not None:
            if time.monotonic() - self._local.used_at < IDLE_CHECK_SECONDS:
                return smtp
            try:
                if smtp.noop()[0] == 250:
                    return smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        self._local.smtp, self._local.used_at = smtp, time.monotonic()
        if self.starttls:
            smtp.starttls()
        if self._login:
            smtp.login(*self._login)
        return smtp

    def _drop(self) -> None:
        smtp = getattr(self._local, "smtp", None)
        self._local.smtp = None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def send(self, message: EmailMessage) -> str:
        """Relay the message; returns its Message-ID."""
        sender = message.sender or self._default_sender
        mime = mime_of(message, sender)
        try:
            self._connection().send_message(mime, from_addr=sender, to_addrs=[message.to])
            self._local.used_at = time.monotonic()
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise EmailDeliveryError(f"SMTP {code}: {reply!r}", permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise EmailDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                     permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise EmailDeliveryError(f"SMTP injoignable : {exc}", permanent=False) from exc
        return str(mime["Message-ID"])
