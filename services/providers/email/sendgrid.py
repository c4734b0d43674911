"""SendGrid v3 Mail Send through the official SDK; the sandbox twin serves the same API.
`find` reads the Email Activity API (a paid add-on of the account) for a message by one of
its custom_args."""
from __future__ import annotations

import json
from dataclasses import dataclass

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    Attachment, Content, CustomArg, Disposition, FileContent, FileName, FileType, Header, Mail,
)

from services.providers.email import EmailDeliveryError, EmailMessage
from services.settings import get_settings


class ActivityUnavailable(RuntimeError):
    """The account has no Email Activity add-on (or its key lacks the scope)."""


@dataclass(frozen=True)
class FoundEmail:
    provider_id: str  # as Mail Send's X-Message-Id gave it
    status: str       # processed, delivered or not_delivered


class SendGridGateway:
    def __init__(self, api_key: str, host: str, default_sender: str):
        self._client = SendGridAPIClient(api_key=api_key, host=host)
        self._default_sender = default_sender

    @classmethod
    def from_settings(cls) -> "SendGridGateway":
        s = get_settings()
        return cls(s.sendgrid_api_key, s.sendgrid_host, s.email_sender)

    def send(self, message: EmailMessage) -> str:
        mail = Mail(from_email=message.sender or self._default_sender,
                    to_emails=message.to, subject=message.subject)
        mail.add_content(Content("text/plain", message.text))
        if message.html:
            mail.add_content(Content("text/html", message.html))
        for item in message.attachments:
            mail.add_attachment(Attachment(FileContent(item["content"]), FileName(item["filename"]),
                                           FileType(item["type"]), Disposition("attachment")))
        for name, value in message.headers.items():
            mail.add_header(Header(name, value))
        # Our tags ride on the personalization's custom_args, as strings: SendGrid refuses any
        # other value, and its published spec mistypes the message-level custom_args.
        for key, value in message.tags.items():
            mail.add_custom_arg(CustomArg(key, str(value), p=0))
        try:
            response = self._client.send(mail)
        except HTTPError as exc:
            raise EmailDeliveryError(f"SendGrid {exc.status_code}: {exc.body!r}",
                                     permanent=400 <= exc.status_code < 500
                                     and exc.status_code != 429) from exc
        except OSError as exc:
            raise EmailDeliveryError(f"SendGrid unreachable: {exc}", permanent=False) from exc
        return response.headers.get("X-Message-Id", "")

    def find(self, tag: str, value: str) -> FoundEmail | None:
        """The message whose custom_args[tag] is `value`, from the Email Activity API."""
        query = f'unique_args[\'{tag}\']="{value}"'
        try:
            response = self._client.client.messages.get(query_params={"query": query, "limit": 10})
        except HTTPError as exc:
            if exc.status_code in (401, 403):
                raise ActivityUnavailable(f"SendGrid {exc.status_code}: {exc.body!r}") from exc
            raise EmailDeliveryError(f"SendGrid {exc.status_code}: {exc.body!r}",
                                     permanent=False) from exc
        except OSError as exc:
            raise EmailDeliveryError(f"SendGrid unreachable: {exc}", permanent=False) from exc
        rows = json.loads(response.body or b"{}").get("messages") or []
        if not rows:
            return None
        # msg_id is Mail Send's X-Message-Id followed by ".filter…" (SendGrid's own suffix)
        return FoundEmail(rows[0]["msg_id"].partition(".")[0], rows[0].get("status", ""))
