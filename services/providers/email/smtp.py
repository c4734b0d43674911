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
import secrets
import smtplib
import threading
import time
from dataclasses import replace
from email.header import Header
from email.utils import encode_rfc2231, formataddr, formatdate, make_msgid, parseaddr

from services.providers.email import EmailDeliveryError, EmailMessage
from services.settings import get_settings

TIMEOUT_SECONDS = 30
IDLE_CHECK_SECONDS = 5  # a connection idle for longer is checked (NOOP) before reuse
CRLF = "\r\n"
# "=_" never occurs in base64, the only encoding of our parts, so one boundary per process and
# multipart subtype is as safe as one per mail, and a reader's parser compiles its pattern once.
_BOUNDARY = f"=_{secrets.token_hex(12)}"


def _header(name: str, value: str) -> str:
    """One header line: a line break from a contact's field cannot start another header; anything
    not ASCII RFC 2047-encoded in UTF-8 (folded at 76)."""
    value = " ".join(value.splitlines())
    if not value.isascii():
        value = Header(value, "utf-8", header_name=name).encode(linesep=CRLF)
    return f"{name}: {value}{CRLF}"


def _address(value: str) -> str:
    if "<" not in value and "(" not in value:  # a bare address: nothing to encode
        return value
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name and address else value


def _part(content_type: str, payload: bytes, disposition: str = "") -> bytes:
    """A body part in base64 (lines of 76): any text or file, 7-bit clean for every relay."""
    head = f"Content-Type: {content_type}{CRLF}Content-Transfer-Encoding: base64{CRLF}{disposition}{CRLF}"
    return head.encode("ascii") + base64.encodebytes(payload).replace(b"\n", b"\r\n")


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    boundary = f"{_BOUNDARY}_{subtype}"
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}'.encode("ascii")
    separator = f"--{boundary}{CRLF}".encode("ascii")
    return head + b"".join(separator + part + b"\r\n" for part in parts) + f"--{boundary}--{CRLF}".encode("ascii")


def _attachment(item: dict[str, str]) -> bytes:
    filename = item["filename"]
    named = (f'filename="{filename}"' if filename.isascii() and '"' not in filename
             else f"filename*={encode_rfc2231(filename, 'utf-8')}")
    return _part(item["type"] or "application/octet-stream", base64.b64decode(item["content"]),
                 f"Content-Disposition: attachment; {named}{CRLF}")


def mime_of(message: EmailMessage, sender: str) -> bytes:
    """The message as relayed: text (and HTML) in UTF-8, files attached. Written directly: the email
    package's generator took 1.7 ms to flatten a campaign email, more than everything else we do."""
    body = _part('text/plain; charset="utf-8"', (message.text or " ").encode("utf-8"))
    if message.html:
        body = _multipart("alternative", [body, _part('text/html; charset="utf-8"', message.html.encode("utf-8"))])
    if message.attachments:
        body = _multipart("mixed", [body, *map(_attachment, message.attachments)])
    headers = {"From": _address(sender), "To": _address(message.to), "Subject": message.subject,
               "Date": formatdate(localtime=False, usegmt=True),
               "Message-ID": message.message_id or make_msgid(domain=sender.rpartition("@")[2]),
               **message.headers}
    head = "".join(_header(name, value) for name, value in headers.items()) + f"MIME-Version: 1.0{CRLF}"
    return head.encode("ascii") + body


class SmtpGateway:
    """Connections kept open between messages and shared by the sending threads (a run's
    threads come and go; the connections stay): one is taken for a message and given back
    after it; one idle for more than IDLE_CHECK_SECONDS is checked with a NOOP before reuse; one
    that fails is closed, never used again."""

    name = "smtp"
    MAX_IDLE = 64

    def __init__(self, host: str, port: int, username: str, password: str, starttls: bool,
                 default_sender: str):
        self.host, self.port, self.starttls = host, port, starttls
        self._login = (username, password) if username else None
        self._default_sender = default_sender
        self._idle: list[tuple[smtplib.SMTP, float]] = []  # (connection, last used), newest last
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> "SmtpGateway":
        s = get_settings()
        return cls(s.smtp_host, s.smtp_port, s.smtp_username, s.smtp_password, s.smtp_starttls,
                   s.email_sender)

    def _take(self) -> smtplib.SMTP:
        while True:
            with self._lock:
                smtp, used_at = self._idle.pop() if self._idle else (None, 0.0)
            if smtp is None:
                break
            if time.monotonic() - used_at < IDLE_CHECK_SECONDS:
                return smtp
            try:
                if smtp.noop()[0] == 250:
                    return smtp
            except (smtplib.SMTPException, OSError):
                pass
            _close(smtp)
        smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            if self.starttls:
                smtp.starttls()
            if self._login:
                smtp.login(*self._login)
        except BaseException:
            _close(smtp)
            raise
        return smtp

    def _give_back(self, smtp: smtplib.SMTP) -> None:
        with self._lock:
            if len(self._idle) < self.MAX_IDLE:
                self._idle.append((smtp, time.monotonic()))
                return
        _close(smtp)

    def send(self, message: EmailMessage) -> str:
        """Relay the message; returns its Message-ID."""
        sender = message.sender or self._default_sender
        message = replace(message, message_id=message.message_id or make_msgid(domain=sender.rpartition("@")[2]))
        mime = mime_of(message, sender)
        international = () if (sender + message.to).isascii() else ("SMTPUTF8", "BODY=8BITMIME")
        try:
            smtp = self._take()
        except (smtplib.SMTPException, OSError) as exc:
            raise EmailDeliveryError(f"SMTP injoignable : {exc}", permanent=False) from exc
        try:
            smtp.sendmail(sender, [message.to], mime, mail_options=international)
        except smtplib.SMTPRecipientsRefused as exc:
            self._give_back(smtp)  # the session is still good: only the recipient was refused
            code, reply = next(iter(exc.recipients.values()))
            raise EmailDeliveryError(f"SMTP {code}: {reply!r}", permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            _close(smtp)
            raise EmailDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                     permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            _close(smtp)
            raise EmailDeliveryError(f"SMTP injoignable : {exc}", permanent=False) from exc
        except BaseException:  # a session left in an unknown state is not reused
            _close(smtp)
            raise
        self._give_back(smtp)
        return message.message_id


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass
