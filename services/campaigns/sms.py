"""SMS length: GSM-7 or UCS-2 encoding, segment count and cost estimate (UC-CP-01 step B).

GSM 03.38: 160 septets in one SMS, 153 per segment when concatenated (the UDH takes 7);
the extension table characters count twice. Any other character switches the whole
message to UCS-2: 70 characters, 67 per segment (characters beyond the BMP count twice).
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int
    remaining: int  # units left in the last segment


def sms_length(text: str) -> SmsLength:
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SmsLength(encoding, units, 1 if units else 0, single, single - units)
    segments = -(-units // multi)
    return SmsLength(encoding, units, segments, multi, segments * multi - units)


def sms_cost(text: str, recipients: int, unit_price: int) -> int:
    """Estimated cost in minor units: segments x recipients x price of one segment."""
    return sms_length(text).segments * max(recipients, 0) * unit_price
