"""AMI framing: CRLF-terminated "Key: Value" lines, a blank line ends a message."""
from __future__ import annotations

import asyncio

BANNER = "Asterisk Call Manager/11.0.0"
Fields = list[tuple[str, str]]


def encode(fields: Fields) -> bytes:
    return "".join(f"{key}: {value}\r\n" for key, value in fields).encode() + b"\r\n"


def encode_banner() -> bytes:
    return (BANNER + "\r\n").encode()


async def read_message(reader: asyncio.StreamReader) -> Fields | None:
    """One message as ordered pairs (headers may repeat, e.g. Variable); None on EOF."""
    fields: Fields = []
    while True:
        line = await reader.readline()
        if not line:
            return None
        text = line.decode(errors="replace").rstrip("\r\n")
        if not text:
            if fields:
                return fields
            continue
        key, _, value = text.partition(":")
        fields.append((key.strip(), value.strip()))


class Action:
    """A received action with case-insensitive header lookup, like Asterisk's astman_get_header."""

    def __init__(self, fields: Fields):
        self.fields = fields

    def get(self, key: str, default: str = "") -> str:
        wanted = key.lower()
        for name, value in self.fields:
            if name.lower() == wanted:
                return value
        return default

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [value for name, value in self.fields if name.lower() == wanted]

    @property
    def name(self) -> str:
        return self.get("Action")

    @property
    def action_id(self) -> str | None:
        value = self.get("ActionID", None)  # type: ignore[arg-type]
        return value if value is not None else None

    def variables(self) -> dict[str, str]:
        pairs = (item.partition("=") for value in self.get_all("Variable") for item in value.split(","))
        return {key: value for key, _, value in pairs if key}

    def is_true(self, key: str) -> bool:
        return self.get(key).lower() in {"true", "yes", "1", "on"}
