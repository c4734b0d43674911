"""Telling people something: on the pages they have open, as it happens, or by email."""
from __future__ import annotations

from services.live import publish, user_topic


def notify_user(tenant_id: int | None, user_id: int, message: str) -> None:
    publish(user_topic(tenant_id, user_id), "notice", message=message)


def email_people(addresses: list[str], subject: str, text: str, kind: str,
                 attachments: list[dict[str, str]] | None = None) -> None:
    """One email per address (no one sees the others), queued to the email workers."""
    from services.messaging.email import send_email
    from services.providers.email import EmailMessage

    for address in addresses:
        send_email(EmailMessage(to=address, subject=subject, text=text, tags={"kind": kind},
                                attachments=list(attachments or [])))
