"""Sending one SMS: the interface every SMS provider adapter implements."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


UNKNOWN_FATE = "unknown"  # SmsSendError.code: no answer, the provider may have the message


class SmsSendError(RuntimeError):
    """The provider refused or could not be reached; `permanent` says whether a retry helps."""

    def __init__(self, message: str, permanent: bool, code: str = ""):
        super().__init__(message)
        self.permanent, self.code = permanent, code


@dataclass(frozen=True)
class SentSms:
    provider_id: str
    status: str  # the provider's own word: queued, sent, delivered, undelivered, failed


class SmsGateway(Protocol):
    name: str

    def send(self, to: str, sender: str, body: str, status_callback: str) -> SentSms:
        """Hand the SMS to the provider; `status_callback` carries our attempt id."""

    def find(self, to: str, body: str, since: datetime) -> SentSms | None:
        """The message we may have handed over since `since` (a crash left it in flight)."""


def get_sms_gateway() -> SmsGateway:
    from services.providers.sms.twilio import TwilioSmsGateway

    return TwilioSmsGateway.from_settings()
