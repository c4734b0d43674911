"""Reading a mail the SMTP sink received: its headers at receipt, its text and HTML parts when
the inbox is read. A relay spools mail as it comes and delivers it later; the sink does the same,
since parsing every part of every mail at receipt was a third of its time at campaign volumes.
(The email package's classic parser: the modern one cost several milliseconds a message.)"""
from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser

RAW = "raw"  # a record's message as received, until the inbox reads its parts


def decoded(value) -> str:
    """A header as read: RFC 2047 words decoded, folding undone."""
    value = str(value or "")
    if "=?" in value:  # encoded words: the email package decodes them
        value = str(make_header(decode_header(value)))
    return value.replace("\r\n", "").replace("\n", "").strip()


def headers_of(raw: bytes) -> dict:
    """The record's fields read from the headers alone, and the message kept as received."""
    message = BytesParser().parsebytes(raw, headersonly=True)
    return {"subject": decoded(message["subject"]), "message_id": decoded(message["message-id"]),
            "headers": {k: decoded(v) for k, v in message.items()},
            RAW: raw.decode("latin-1")}  # every byte kept as one character: JSON can hold it


def _body(message: Message, subtype: str) -> str:
    """The first `text/<subtype>` part that is not an attachment, decoded."""
    for part in message.walk():
        if (part.get_content_type() == f"text/{subtype}"
                and part.get_content_disposition() != "attachment"):
            payload = part.get_payload(decode=True) or b""
            return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def readable(record: dict) -> dict:
    """The record as the inbox shows it: the text and HTML parts of a message kept raw."""
    if RAW in record:
        message = BytesParser().parsebytes(record.pop(RAW).encode("latin-1"))
        record["text"], record["html"] = _body(message, "plain"), _body(message, "html")
    return record
