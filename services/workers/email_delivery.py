"""Worker side of transactional email."""
from __future__ import annotations

import dramatiq

from services.providers.email import EmailDeliveryError, EmailMessage, get_email_gateway
from services.workers import broker  # noqa: F401  (the broker must exist before actors)


def _retry_unless_permanent(retries: int, exc: Exception) -> bool:
    return not (isinstance(exc, EmailDeliveryError) and exc.permanent)


@dramatiq.actor(queue_name="email", max_retries=8, retry_when=_retry_unless_permanent)
def deliver_email(message: dict) -> None:
    get_email_gateway().send(EmailMessage(**message))
