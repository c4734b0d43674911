"""One messenger per channel (listmonk's Messenger, Chatwoot's SendOn*Service): the sending
engine hands it an outgoing message carrying our attempt id; it returns the provider's id or
raises SendFailed (permanent or transient). `find` looks a message up at the provider by our
attempt, to reconcile an attempt a crash left in flight; None means "never received".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.models.interactions import Channel
from services.providers.sms import UNKNOWN_FATE  # noqa: F401  (SendFailed.code, any channel)


class SendFailed(RuntimeError):
    def __init__(self, reason: str, permanent: bool, code: str = ""):
        super().__init__(reason)
        self.reason, self.permanent, self.code = reason, permanent, code


class CannotVerify(RuntimeError):
    """The provider offers no way to look a message up by our id."""


@dataclass(frozen=True)
class Outgoing:
    tenant_id: int
    attempt_id: int
    to: str
    sender: str
    body: str
    subject: str = ""
    html: str = ""

    @property
    def key(self) -> str:
        """Our attempt id as providers echo it back (status-callback URL, custom_args)."""
        return f"{self.tenant_id}:{self.attempt_id}"


@dataclass(frozen=True)
class Accepted:
    provider: str
    provider_id: str
    status: str = ""  # the provider's own status word when known (reconciliation)


class Messenger(Protocol):
    def send(self, message: Outgoing) -> Accepted: ...

    def find(self, message: Outgoing, since: datetime) -> Accepted | None: ...


class SmsMessenger:
    def __init__(self):
        from services.providers.sms import get_sms_gateway

        self._gateway = get_sms_gateway()

    @staticmethod
    def status_callback(message: Outgoing) -> str:
        from services.settings import get_settings

        return (f"{get_settings().twilio_status_url}"
                f"?t={message.tenant_id}&a={message.attempt_id}")

    def send(self, message: Outgoing) -> Accepted:
        from services.providers.sms import SmsSendError

        try:
            sent = self._gateway.send(message.to, message.sender, message.body,
                                      self.status_callback(message))
        except SmsSendError as exc:
            raise SendFailed(str(exc), exc.permanent, exc.code) from exc
        return Accepted(self._gateway.name, sent.provider_id, sent.status)

    def find(self, message: Outgoing, since: datetime) -> Accepted | None:
        from services.providers.sms import SmsSendError

        try:
            found = self._gateway.find(message.to, message.body, since)
        except SmsSendError as exc:
            raise SendFailed(str(exc), exc.permanent, exc.code) from exc
        return Accepted(self._gateway.name, found.provider_id, found.status) if found else None


class EmailMessenger:
    """SendGrid v3 mail/send; our attempt id travels in the personalization's custom_args
    (strings only, as SendGrid requires)."""

    def __init__(self):
        from services.providers.email import get_email_gateway

        self._gateway = get_email_gateway()

    def send(self, message: Outgoing) -> Accepted:
        from services.providers.email import EmailDeliveryError, EmailMessage

        try:
            provider_id = self._gateway.send(EmailMessage(
                to=message.to, subject=message.subject, text=message.body, html=message.html,
                sender=message.sender,
                tags={"attempt": message.key, "tenant": str(message.tenant_id)}))
        except EmailDeliveryError as exc:
            raise SendFailed(str(exc), exc.permanent) from exc
        return Accepted("sendgrid", provider_id)

    def find(self, message: Outgoing, since: datetime) -> Accepted | None:
        # SendGrid's look-up by custom_args needs the paid Email Activity API: not wired yet.
        raise CannotVerify("SendGrid : recherche par identifiant d'envoi non disponible.")


_MESSENGERS = {Channel.SMS.value: SmsMessenger, Channel.EMAIL.value: EmailMessenger}
WIRED_CHANNELS = tuple(_MESSENGERS)  # the sequencer queues only what can be sent
_cache: dict[str, Messenger] = {}


def messenger_for(channel: str) -> Messenger:
    if channel not in _MESSENGERS:
        raise SendFailed(f"Canal {channel} pas encore branché sur un fournisseur.", permanent=True)
    if channel not in _cache:
        _cache[channel] = _MESSENGERS[channel]()
    return _cache[channel]
