"""WhatsApp through Meta's Cloud API: what the messaging engine and the webhook route need.

Errors are classed by Meta's error code (https://developers.facebook.com/docs/whatsapp/
cloud-api/support/error-codes): throttling and Meta-side outages are transient (retried with
back-off); everything else — invalid parameter or number, expired token, unknown or paused
template, outside the 24-hour window (131047), undeliverable (131026) — is permanent.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

# 1/2 API unknown/unavailable, 4/80007 call-rate limits, 130429 throughput, 131000 something
# went wrong, 131016 service unavailable, 131056 pair rate limit, 133004 server unavailable
TRANSIENT_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004})
THROTTLING_CODES = frozenset({4, 80007, 130429, 131056})


class WhatsAppError(RuntimeError):
    """Meta refused or could not be reached; `permanent` says whether a retry helps."""

    def __init__(self, message: str, permanent: bool, code: str = "", throttled: bool = False):
        super().__init__(message)
        self.permanent, self.code, self.throttled = permanent, code, throttled


def is_transient(code: int | None, http_status: int) -> bool:
    return (code in TRANSIENT_CODES) or http_status == 429 or http_status >= 500


@dataclass(frozen=True)
class SentWhatsApp:
    provider_id: str  # the wamid
    status: str = "accepted"


@dataclass(frozen=True)
class MediaRef:
    """A media object as Meta takes it: an uploaded media id, or a public https link."""
    id: str = ""
    link: str = ""

    def wire(self) -> dict:
        return {"id": self.id} if self.id else {"link": self.link}


@dataclass(frozen=True)
class TemplateCall:
    """An approved template and the values of its {{1}}, {{2}}..."""
    name: str
    language: str
    parameters: tuple[str, ...] = ()


def signature(app_secret: str, raw_body: bytes) -> str:
    """X-Hub-Signature-256: "sha256=" + HMAC-SHA256 of the raw body, keyed by the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_ok(app_secret: str, raw_body: bytes, header: str) -> bool:
    return bool(header) and hmac.compare_digest(signature(app_secret, raw_body), header)


def wa_id(phone: str) -> str:
    """Meta's WhatsApp id of an E.164 number: its digits."""
    return "".join(c for c in phone if c.isdigit())


def e164(wa: str) -> str:
    return "+" + wa_id(wa)
