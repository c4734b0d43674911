"""Encryption of stored credentials (remote database logins), keyed by settings.secret_key.

The Fernet key is derived with HKDF-SHA256 from the platform secret, with a purpose label,
so the same secret never serves two uses as is.
"""
from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.settings import get_settings

_PURPOSE = b"bgotocall/audience/database-source-credentials/v1"


class CredentialsUnavailable(RuntimeError):
    pass


def _fernet(secret: str | None = None, purpose: bytes = _PURPOSE) -> Fernet:
    secret = get_settings().secret_key if secret is None else secret
    if not secret:
        raise CredentialsUnavailable("BGC_SECRET_KEY is not set: credentials cannot be stored.")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(values: dict[str, str], secret: str | None = None, purpose: bytes = _PURPOSE) -> str:
    return _fernet(secret, purpose).encrypt(json.dumps(values).encode()).decode()


def unseal(token: str, secret: str | None = None, purpose: bytes = _PURPOSE) -> dict[str, str]:
    try:
        return json.loads(_fernet(secret, purpose).decrypt(token.encode()))
    except InvalidToken as error:
        raise CredentialsUnavailable("Stored credentials cannot be decrypted with this key.") from error
