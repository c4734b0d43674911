"""Amounts are integers of the currency's minor unit; XAF and XOF have none."""
from __future__ import annotations

MINOR_DIGITS = {"XAF": 0, "XOF": 0, "EUR": 2, "USD": 2, "MAD": 2, "TND": 3, "DZD": 2}
SYMBOLS = {"XAF": "FCFA", "XOF": "FCFA", "EUR": "€", "USD": "$"}
CURRENCIES = ["XAF", "XOF", "EUR"]


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency.upper(), 2)


def format_money(amount: int, currency: str) -> str:
    """French formatting: '12 500 FCFA', '1 234,50 €'."""
    digits = minor_digits(currency)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10 ** digits) if digits else (abs(amount), 0)
    text = f"{whole:,}".replace(",", "\u202f")
    if digits:
        text += "," + str(frac).zfill(digits)
    return f"{sign}{text} {SYMBOLS.get(currency.upper(), currency.upper())}"


def minor_to_text(amount: int, currency: str) -> str:
    """The amount as a person types it back into `to_minor` ('12,50', '12500')."""
    digits = minor_digits(currency)
    if not digits:
        return str(amount)
    whole, frac = divmod(amount, 10 ** digits)
    return f"{whole},{str(frac).zfill(digits)}"


def to_minor(value: str, currency: str) -> int:
    """Parse a human amount ('12,50' or '12500') to minor units; ValueError when invalid."""
    text = value.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not text or text.count(".") > 1 or not text.replace(".", "").isdigit():
        raise ValueError("Montant invalide.")
    whole, _, frac = text.partition(".")
    digits = minor_digits(currency)
    if len(frac) > digits:
        raise ValueError("Montant invalide.")
    return int(whole or "0") * 10 ** digits + int((frac or "0").ljust(digits, "0") or "0")
