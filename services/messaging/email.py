"""Transactional emails: queued to a worker, delivered through the email gateway."""
from __future__ import annotations

from services.providers.email import EmailMessage


def send_email(message: EmailMessage) -> None:
    from services.workers.email_delivery import deliver_email

    deliver_email.send(message.to_dict())
