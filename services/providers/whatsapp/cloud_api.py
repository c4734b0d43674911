"""Meta's WhatsApp Cloud API (Graph API v23.0) over HTTP with httpx; the sandbox twin serves
the same API (WHATSAPP_API_BASE points the adapter at it, nothing else changes).

Every message carries our attempt key in `biz_opaque_callback_data`: Meta echoes it in each
status webhook of that message, which is how a status finds its attempt. The Cloud API has
no look-up of a message by that key, so an attempt a crash left in flight cannot be
verified (the engine then fails it rather than risk a second message).
"""
from __future__ import annotations

from functools import lru_cache

import httpx

from services.providers.whatsapp import (
    MediaRef, SentWhatsApp, TemplateCall, THROTTLING_CODES, WhatsAppError, is_transient, wa_id,
)
from services.providers.whatsapp.account import WhatsAppAccount, account_of
from services.settings import get_settings

API_VERSION = "v23.0"
TIMEOUT_SECONDS = 10
USER_AGENT = "BGOTOCALL/1.0.0"


class CloudApiGateway:
    name = "meta"

    def __init__(self, account: WhatsAppAccount, api_base: str, http: httpx.Client | None = None):
        self.account = account
        self._base = f"{api_base.rstrip('/')}/{API_VERSION}"
        self._http = http or _client()

    @classmethod
    def for_tenant(cls, tenant_id: int | None) -> "CloudApiGateway":
        return cls(account_of(tenant_id), get_settings().whatsapp_api_base)

    # -- the wire ------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.access_token}",
                "User-Agent": USER_AGENT}

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            answer = self._http.request(method, f"{self._base}/{path}", headers=self._headers(),
                                        **kwargs)
        except httpx.HTTPError as exc:
            raise WhatsAppError(f"Meta injoignable : {exc}", permanent=False) from exc
        try:
            data = answer.json()
        except ValueError:
            data = {}
        if answer.status_code >= 400 or "error" in data:
            error = data.get("error") or {}
            code = error.get("code")
            details = (error.get("error_data") or {}).get("details", "")
            text = f"WhatsApp {answer.status_code} ({code}) : {error.get('message', answer.text[:200])}"
            raise WhatsAppError(text + (f" — {details}" if details else ""),
                                permanent=not is_transient(code, answer.status_code),
                                code=str(code or answer.status_code),
                                throttled=code in THROTTLING_CODES or answer.status_code == 429)
        return data

    def _send(self, to: str, kind: str, content: dict, key: str) -> SentWhatsApp:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual",
                "to": wa_id(to), "type": kind, kind: content}
        if key:
            body["biz_opaque_callback_data"] = key[:512]
        data = self._call("POST", f"{self.account.phone_number_id}/messages", json=body)
        messages = data.get("messages") or [{}]
        return SentWhatsApp(messages[0].get("id", ""), messages[0].get("message_status", "accepted"))

    # -- messages ------------------------------------------------------------------------
    def send_template(self, to: str, template: TemplateCall, key: str = "") -> SentWhatsApp:
        content: dict = {"name": template.name,
                         "language": {"policy": "deterministic", "code": template.language}}
        if template.parameters:
            content["components"] = [{"type": "body", "parameters": [
                {"type": "text", "text": value} for value in template.parameters]}]
        return self._send(to, "template", content, key)

    def send_text(self, to: str, body: str, key: str = "") -> SentWhatsApp:
        """Free text: Meta delivers it only inside the 24-hour customer-service window."""
        return self._send(to, "text", {"body": body, "preview_url": False}, key)

    def send_image(self, to: str, media: MediaRef, caption: str = "", key: str = "") -> SentWhatsApp:
        content = media.wire() | ({"caption": caption} if caption else {})
        return self._send(to, "image", content, key)

    def send_document(self, to: str, media: MediaRef, filename: str = "", caption: str = "",
                      key: str = "") -> SentWhatsApp:
        content = media.wire() | ({"filename": filename} if filename else {}) \
            | ({"caption": caption} if caption else {})
        return self._send(to, "document", content, key)

    # -- media ---------------------------------------------------------------------------
    def upload_media(self, content: bytes, mime_type: str, filename: str) -> str:
        data = self._call("POST", f"{self.account.phone_number_id}/media",
                          data={"messaging_product": "whatsapp", "type": mime_type},
                          files={"file": (filename, content, mime_type)})
        return data["id"]

    def download_media(self, media_id: str) -> tuple[bytes, str]:
        """An inbound image or document: its URL first, then the bytes (the token again)."""
        info = self._call("GET", media_id,
                          params={"phone_number_id": self.account.phone_number_id})
        try:
            answer = self._http.get(info["url"], headers=self._headers())
            answer.raise_for_status()
        except httpx.HTTPError as exc:
            raise WhatsAppError(f"Média WhatsApp illisible : {exc}", permanent=False) from exc
        return answer.content, info.get("mime_type", "application/octet-stream")

    # -- templates -----------------------------------------------------------------------
    def submit_template(self, name: str, language: str, category: str, body: str,
                        examples: list[str]) -> tuple[str, str]:
        """Submit a template for Meta's review; returns (Meta's template id, status)."""
        component: dict = {"type": "BODY", "text": body}
        if examples:
            component["example"] = {"body_text": [examples]}
        data = self._call("POST", f"{self.account.waba_id}/message_templates", json={
            "name": name, "language": language, "category": category, "components": [component]})
        return str(data["id"]), data.get("status", "PENDING")

    def template_status(self, template_id: str) -> tuple[str, str]:
        """(status, rejection reason) of a submitted template."""
        data = self._call("GET", template_id, params={"fields": "name,status,rejected_reason"})
        return data.get("status", ""), data.get("rejected_reason", "") or ""


@lru_cache(maxsize=1)
def _client() -> httpx.Client:
    """One pooled client per process (a new connection per message costs a handshake)."""
    return httpx.Client(timeout=TIMEOUT_SECONDS)
