"""Sending one email: the interface every email provider adapter implements."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str = ""
    sender: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class EmailDeliveryError(RuntimeError):
    def __init__(self, message: str, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class EmailGateway(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Hand the message to the provider; return the provider's message id."""


def get_email_gateway() -> EmailGateway:
    from services.providers.email.sendgrid import SendGridGateway

    return SendGridGateway.from_settings()
