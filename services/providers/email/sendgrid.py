"""SendGrid v3 Mail Send through the official SDK; the sandbox twin serves the same API."""
from __future__ import annotations

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    Attachment, Content, CustomArg, Disposition, FileContent, FileName, FileType, Header, Mail,
)

from services.providers.email import EmailDeliveryError, EmailMessage
from services.settings import get_settings


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
