"""Password hashing with argon2id, and the rules a new password must meet."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str) -> list[str]:
    """Reasons, in French, why a new password is refused; empty when it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Au moins {MIN_LENGTH} caractères.")
    if password.lower() == password or password.upper() == password:
        problems.append("Des majuscules et des minuscules.")
    if not any(c.isdigit() for c in password):
        problems.append("Au moins un chiffre.")
    return problems
