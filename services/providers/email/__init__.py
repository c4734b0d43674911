"""Sending one email: the interface every email provider adapter implements."""
from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Protocol


def attachment(filename: str, data: bytes, mime_type: str) -> dict[str, str]:
    """A file joined to an email: base64 content, as SendGrid v3 and a queue message carry it."""
    return {"filename": filename, "type": mime_type,
            "content": base64.b64encode(data).decode("ascii")}


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str = ""
    sender: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    attachments: list[dict[str, str]] = field(default_factory=list)  # see attachment()
    headers: dict[str, str] = field(default_factory=dict)  # e.g. List-Unsubscribe
    message_id: str = ""  # RFC 5322 Message-ID to set (SMTP), derived from our attempt

    def to_dict(self) -> dict:
        return asdict(self)


class EmailDeliveryError(RuntimeError):
    def __init__(self, message: str, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class EmailGateway(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Hand the message to the provider; return the provider's message id."""


PROVIDERS = ("sendgrid", "smtp")


def get_email_gateway(provider: str = "sendgrid") -> EmailGateway:
    if provider == "smtp":
        from services.providers.email.smtp import SmtpGateway

        return SmtpGateway.from_settings()
    from services.providers.email.sendgrid import SendGridGateway

    return SendGridGateway.from_settings()
