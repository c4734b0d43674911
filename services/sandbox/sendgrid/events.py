"""The twin's side of SendGrid's signed Event Webhook.

SendGrid signs each POST of events with its ECDSA P-256 private key: the header
`X-Twilio-Email-Event-Webhook-Signature` is the base64 DER signature (SHA-256) of the
`X-Twilio-Email-Event-Webhook-Timestamp` header followed by the raw body; the receiver
verifies it with the public key shown in SendGrid's Mail Settings (base64 DER), as the
`sendgrid` SDK's EventWebhook helper does.

The twin's key pair is derived from a public seed, so the product finds the matching
public key without configuration — which is why settings accept it only while SendGrid
is the twin.
"""
from __future__ import annotations

import base64
import hashlib
import json
import time
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
_SEED = b"B-GOTOCALL sandbox SendGrid Event Webhook key (public, sandbox only)"


@lru_cache(maxsize=1)
def sandbox_private_key() -> ec.EllipticCurvePrivateKey:
    secret = int.from_bytes(hashlib.sha256(_SEED).digest(), "big")
    return ec.derive_private_key(secret, ec.SECP256R1())


@lru_cache(maxsize=1)
def sandbox_public_key() -> str:
    der = sandbox_private_key().public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def signed_post(events: list[dict], key: ec.EllipticCurvePrivateKey | None = None,
                timestamp: str | None = None) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of one Event Webhook POST, signed as SendGrid signs it."""
    body = json.dumps(events, separators=(",", ":")).encode()
    timestamp = timestamp or str(int(time.time()))
    signature = (key or sandbox_private_key()).sign(timestamp.encode() + body,
                                                    ec.ECDSA(hashes.SHA256()))
    return body, {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                  SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
                  "User-Agent": "SendGrid Event API"}


def event(kind: str, record: dict, **extra) -> dict:
    """One event as SendGrid posts it: the message's custom_args ride at the top level."""
    return {"email": record["to"][0], "timestamp": int(time.time()), "event": kind,
            "sg_event_id": base64.urlsafe_b64encode(hashlib.sha256(
                f"{record['id']}:{kind}:{time.time_ns()}".encode()).digest()[:16]).decode().rstrip("="),
            "sg_message_id": f"{record['id']}.filter0001", "smtp-id": f"<{record['id']}@sandbox>",
            **record.get("custom_args", {}), **extra}


def outcome(address: str) -> str:
    """The documented rule of the twin: an address whose local part starts with "bounce"
    bounces (hard, 550); any other is delivered."""
    return "bounce" if address.lower().startswith("bounce") else "delivered"
