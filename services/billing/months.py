"""Calendar months, as billing and the platform's figures count them."""
from __future__ import annotations


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)
