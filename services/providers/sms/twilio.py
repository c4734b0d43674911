"""Twilio Programmable Messaging through the official SDK; the sandbox twin serves the same API
(TWILIO_API_BASE points the SDK at it, nothing else changes)."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import HTTPError

from services.providers.sms import UNKNOWN_FATE, SentSms, SmsSendError
from services.providers.sms.twilio_http import PooledHttpClient
from services.settings import get_settings

TIMEOUT_SECONDS = 10
TWILIO_API = "https://api.twilio.com"
CONNECTIONS = 64  # kept alive, shared by the sending runs of a worker process
# Twilio error codes that no retry will change (invalid or unreachable 'To', blocked, opted out)
_PERMANENT_STATUSES = {400, 401, 403, 404}


class TwilioSmsGateway:
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, api_base: str = ""):
        http = PooledHttpClient(api_base or TWILIO_API, TIMEOUT_SECONDS, CONNECTIONS)
        self._client = Client(account_sid, auth_token, http_client=http)
        if api_base:
            self._client.api.base_url = api_base.rstrip("/")

    @classmethod
    def from_settings(cls) -> "TwilioSmsGateway":
        return _shared(get_settings().twilio_api_base)

    def send(self, to: str, sender: str, body: str, status_callback: str) -> SentSms:
        try:
            message = self._client.messages.create(to=to, from_=sender, body=body,
                                                   status_callback=status_callback)
        except TwilioRestException as exc:
            raise SmsSendError(f"Twilio {exc.status} ({exc.code}) : {exc.msg}",
                               permanent=exc.status in _PERMANENT_STATUSES,
                               code=str(exc.code or exc.status)) from exc
        except (TwilioException, HTTPError, OSError) as exc:  # no answer: maybe sent
            raise SmsSendError(f"Twilio injoignable : {exc}", permanent=False,
                               code=UNKNOWN_FATE) from exc
        return SentSms(message.sid, message.status)

    def find(self, to: str, body: str, since: datetime) -> SentSms | None:
        """Twilio has no idempotency key for messages: the one to `to` with this exact body,
        created since the attempt went in flight, is ours (a campaign sends one per contact).
        The latest messages to `to`, not a DateSent filter: that one leaves out a message
        Twilio still holds in its queue (no date sent yet), which would then go twice."""
        try:
            messages = self._client.messages.list(to=to, limit=200)
        except (TwilioException, HTTPError, OSError) as exc:
            raise SmsSendError(f"Twilio injoignable : {exc}", permanent=False) from exc
        for m in messages:
            if m.body == body and m.date_created and m.date_created >= since - timedelta(seconds=2):
                return SentSms(m.sid, m.status)
        return None


@lru_cache(maxsize=4)
def _shared(api_base: str) -> TwilioSmsGateway:
    s = get_settings()
    return TwilioSmsGateway(s.twilio_account_sid, s.twilio_auth_token, api_base)
