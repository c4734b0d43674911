"""One messenger per channel (listmonk's Messenger, Chatwoot's SendOn*Service): the sending
engine hands it an outgoing message carrying our attempt id; it returns the provider's id or
raises SendFailed (permanent or transient). `find` looks a message up at the provider by our
attempt, to reconcile an attempt a crash left in flight; None means "never received".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from services.models.columns import utcnow
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
    template: tuple[str, str, tuple[str, ...]] | None = None  # WhatsApp: name, language, values
    # WhatsApp: an agent's image or PDF (kind, path under <data>/storage, filename, mime type)
    attachment: tuple[str, str, str, str] | None = None

    @property
    def key(self) -> str:
        """Our attempt id as providers echo it back (status-callback URL, custom_args)."""
        return f"{self.tenant_id}:{self.attempt_id}"


@dataclass(frozen=True)
class Accepted:
    provider: str
    provider_id: str
    status: str = ""  # the provider's own status word when known (reconciliation)


def conclude_after(since: datetime, grace: timedelta, reason: str) -> None:
    """Before `grace` has passed since an attempt went in flight, the provider's silence proves
    nothing yet: the reconciliation asks again at a later tick."""
    if utcnow() - since < grace:
        raise SendFailed(reason, permanent=False)


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

    # A dead run's last requests may still reach Twilio after it died (sent, not yet read):
    # its calls start within a batch's hold and end within their timeout, even queued behind
    # a whole batch of others; "never received" is concluded only past that.
    LOOKUP_GRACE = timedelta(minutes=2)

    def find(self, message: Outgoing, since: datetime) -> Accepted | None:
        from services.providers.sms import SmsSendError

        try:
            found = self._gateway.find(message.to, message.body, since)
        except SmsSendError as exc:
            raise SendFailed(str(exc), exc.permanent, exc.code) from exc
        if found:
            return Accepted(self._gateway.name, found.provider_id, found.status)
        conclude_after(since, self.LOOKUP_GRACE, "Twilio : message pas encore trouvé, "
                       "nouvelle recherche au prochain passage.")
        return None


def message_id(message: Outgoing) -> str:
    """The Message-ID of an attempt's email, derived from our attempt key, so an SMTP relay
    (which gives no id back) can be asked about it after a crash."""
    domain = message.sender.rpartition("@")[2] or "b-gotocall.com"
    return f"<attempt.{message.tenant_id}.{message.attempt_id}@{domain}>"


class EmailMessenger:
    """Campaign emails through the tenant's email provider, rendered by one function
    (services/messaging/email_rendering.py). SendGrid: our attempt id travels in the
    personalization's custom_args (strings only, as SendGrid requires), by which its Email
    Activity API finds the message after a crash. SMTP: in the Message-ID."""

    def __init__(self, provider: str = "sendgrid"):
        from services.providers.email import get_email_gateway

        self.provider = provider
        self._gateway = get_email_gateway(provider)

    def send(self, message: Outgoing) -> Accepted:
        from services.messaging.email_rendering import render_email
        from services.providers.email import EmailDeliveryError, EmailMessage

        email = render_email(message.tenant_id, message.attempt_id, message.subject,
                             message.html, message.body)
        try:
            provider_id = self._gateway.send(EmailMessage(
                to=message.to, subject=email.subject, text=email.text, html=email.html,
                sender=message.sender, headers=email.headers, message_id=message_id(message),
                tags={"attempt": message.key, "tenant": str(message.tenant_id)}))
        except EmailDeliveryError as exc:
            raise SendFailed(str(exc), exc.permanent) from exc
        return Accepted(self.provider, provider_id[:64])

    # SendGrid's Email Activity lists a message some time after Mail Send took it
    ACTIVITY_DELAY = timedelta(minutes=5)

    def find(self, message: Outgoing, since: datetime) -> Accepted | None:
        from services.settings import get_settings

        if self.provider == "smtp" and get_settings().smtp_is_sink:
            return self._ask_sink(message)
        if self.provider == "sendgrid":
            return self._ask_sendgrid(message, since)
        # a relay has no look-up at all
        raise CannotVerify(f"{self.provider} : recherche par identifiant d'envoi non disponible.")

    def _ask_sendgrid(self, message: Outgoing, since: datetime) -> Accepted | None:
        """By our attempt key in custom_args, through the Email Activity add-on; an account
        without it cannot verify. Not listed yet within ACTIVITY_DELAY: ask again later."""
        from services.providers.email import EmailDeliveryError
        from services.providers.email.sendgrid import ActivityUnavailable

        try:
            found = self._gateway.find("attempt", message.key)
        except ActivityUnavailable as exc:
            raise CannotVerify(f"SendGrid : historique d'activité non souscrit ({exc}).") from exc
        except EmailDeliveryError as exc:
            raise SendFailed(str(exc), permanent=False) from exc
        if found:
            return Accepted("sendgrid", found.provider_id[:64],
                            "delivered" if found.status == "delivered" else "sent")
        conclude_after(since, self.ACTIVITY_DELAY,
                       "SendGrid : message pas encore listé dans l'historique d'activité.")
        return None

    @staticmethod
    def _ask_sink(message: Outgoing) -> Accepted | None:
        import httpx

        from services.settings import get_settings

        try:
            found = httpx.get(f"{get_settings().sandbox_url}/inbox/api/messages",
                              params={"message_id": message_id(message)}, timeout=10)
            found.raise_for_status()
        except httpx.HTTPError as exc:
            raise SendFailed(f"Puits SMTP injoignable : {exc}", permanent=False) from exc
        return Accepted("smtp", message_id(message)[:64]) if found.json() else None


def email_provider_of(tenant_id: int | None) -> str:
    """The tenant's choice in Paramètres (SendGrid unless it chose SMTP)."""
    if tenant_id is None:
        return "sendgrid"
    from services.tenant_settings import email_provider

    return email_provider(tenant_id)


class WhatsAppMessenger:
    """Meta's Cloud API from the tenant's WhatsApp account; our attempt key travels in
    biz_opaque_callback_data. A campaign sends an approved template (Meta refuses free text
    outside the customer's 24-hour window); without a template, the body goes as text."""

    NEWS_GRACE = timedelta(minutes=2)  # Meta's `sent` webhook comes within seconds

    def send(self, message: Outgoing) -> Accepted:
        from services.providers.whatsapp import TemplateCall, WhatsAppError
        from services.providers.whatsapp.cloud_api import CloudApiGateway

        gateway = CloudApiGateway.for_tenant(message.tenant_id)
        try:
            if message.template:
                sent = gateway.send_template(message.to, TemplateCall(*message.template),
                                             message.key)
            elif message.attachment:
                sent = _send_attachment(gateway, message)
            else:
                sent = gateway.send_text(message.to, message.body, message.key)
        except WhatsAppError as exc:
            raise SendFailed(str(exc), exc.permanent, "429" if exc.throttled else exc.code) \
                from exc
        return Accepted(gateway.name, sent.provider_id, sent.status)

    def find(self, message: Outgoing, since: datetime) -> Accepted | None:
        """Meta has no look-up by our id, but echoes it in every status webhook, and the
        webhook route records the first one on the attempt: an attempt still in flight has
        had no news from Meta. Within NEWS_GRACE of its sending, news may still come (the
        reconciliation waits); past it, Meta never took the message and it may go once.
        (Meta retries an undelivered webhook for days: only a webhook route down for longer
        than the grace, while a worker died mid-send, could make this message go twice.)"""
        conclude_after(since, self.NEWS_GRACE,
                       "WhatsApp : en attente des nouvelles de Meta avant de conclure.")
        return None


def _send_attachment(gateway, message: Outgoing):
    """Upload the stored file to Meta, then send it as an image or a document message."""
    from services.conversations.media import stored_path
    from services.providers.whatsapp import MediaRef

    kind, relative, filename, mime_type = message.attachment
    path = stored_path(relative)
    if path is None:
        raise SendFailed("Pièce jointe introuvable dans le stockage.", permanent=True)
    media = MediaRef(id=gateway.upload_media(path.read_bytes(), mime_type, filename))
    caption = "" if message.body == filename else message.body
    if kind == "image":
        return gateway.send_image(message.to, media, caption, message.key)
    return gateway.send_document(message.to, media, filename, caption, message.key)


_MESSENGERS = {Channel.SMS.value: SmsMessenger, Channel.EMAIL.value: EmailMessenger,
               Channel.WHATSAPP.value: WhatsAppMessenger}
WIRED_CHANNELS = tuple(_MESSENGERS)  # the sequencer queues only what can be sent
_cache: dict[tuple[str, str], Messenger] = {}


def messenger_for(channel: str, tenant_id: int | None = None) -> Messenger:
    """The channel's messenger; for email, the provider the tenant chose."""
    if channel not in _MESSENGERS:
        raise SendFailed(f"Canal {channel} pas encore branché sur un fournisseur.", permanent=True)
    provider = email_provider_of(tenant_id) if channel == Channel.EMAIL.value else ""
    if (channel, provider) not in _cache:
        _cache[channel, provider] = (_MESSENGERS[channel](provider) if provider
                                     else _MESSENGERS[channel]())
    return _cache[channel, provider]
