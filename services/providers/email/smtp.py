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
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid

from services.providers.email import EmailDeliveryError, EmailMessage
from services.settings import get_settings

TIMEOUT_SECONDS = 30


def mime_of(message: EmailMessage, sender: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"], mime["To"], mime["Subject"] = sender, message.to, message.subject
    mime["Date"] = formatdate(localtime=False, usegmt=True)
    mime["Message-ID"] = message.message_id or make_msgid(domain=sender.rpartition("@")[2])
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.text or " ")
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for item in message.attachments:
        maintype, _, subtype = (item["type"] or "application/octet-stream").partition("/")
        mime.add_attachment(base64.b64decode(item["content"]), maintype=maintype,
                            subtype=subtype, filename=item["filename"])
    return mime


class SmtpGateway:
    """One connection per thread, kept between messages (a NOOP checks it before reuse; a
    connection that fails is dropped, never used again)."""

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
            try:
                if smtp.noop()[0] == 250:
                    return smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        self._local.smtp = smtp
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
