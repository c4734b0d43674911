"""VAT by the buyer's country, and the EU reverse charge for businesses with a VAT number.

Rates in basis points (19.25 % = 1925). Sources: each country's general rate in 2025
(CM CGI art. 127 incl. 10 % communal surcharge; FR CGI art. 278; BE; CI; SN; DZ; MA; TN).
"""
from __future__ import annotations

from dataclasses import dataclass

VAT_RATES_BP: dict[str, int] = {
    "CM": 1925, "FR": 2000, "BE": 2100, "CI": 1800, "SN": 1800,
    "DZ": 1900, "MA": 2000, "TN": 1900,
}
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
REVERSE_CHARGE_MENTION = ("Autoliquidation : TVA due par le preneur "
                          "(article 196 de la directive 2006/112/CE).")


@dataclass(frozen=True)
class VatRule:
    rate_bp: int
    reverse_charge: bool

    @property
    def label(self) -> str:
        pct = f"{self.rate_bp / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"TVA {pct} %"


def vat_rule(country: str, vat_number: str = "") -> VatRule:
    country = country.upper()
    if country in EU_COUNTRIES and vat_number.strip():
        return VatRule(0, True)
    return VatRule(VAT_RATES_BP.get(country, 0), False)


def vat_amount(net: int, rate_bp: int) -> int:
    """VAT on a net amount in minor units, rounded half up."""
    return (net * rate_bp + 5000) // 10000
