"""Voice prices by destination: the price list's minute, refined per country and line type.

A destination price is a price-list line `voice:<CC>` (any number of that country) or `voice:<CC>:mobile`
/ `voice:<CC>:fixed`, per currency, edited by the super admin. A called number is rated by the most
precise line that exists, else by the general `voice_minute`. The country and the line type come from
the number itself (phonenumbers), never from what the contact list says.
"""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, geocoder
from sqlmodel import select

from services.billing.money import CURRENCIES, minor_to_text, to_minor
from services.billing.prices import CHANNEL_UNITS, price_list
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import PriceItem
from services.models.columns import utcnow

PREFIX = "voice:"
MINUTE = CHANNEL_UNITS["voice"]
KINDS = {"": "tous les numéros", "mobile": "mobile", "fixed": "fixe"}
_TYPES = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "fixed"}


@dataclass(frozen=True)
class Destination:
    country: str        # ISO 3166 code, "" when the number has none
    kind: str           # "mobile", "fixed" or "" (unknown, or either)
    name: str           # the country in French

    @property
    def label(self) -> str:
        if not self.country:
            return "destination inconnue"
        return f"{self.name} {KINDS[self.kind]}" if self.kind else self.name

    def items(self) -> list[str]:
        """The price-list lines that may rate it, most precise first."""
        found = [f"{PREFIX}{self.country}:{self.kind}"] if self.country and self.kind else []
        return found + ([f"{PREFIX}{self.country}"] if self.country else []) + [MINUTE]


@dataclass(frozen=True)
class DestinationPrice:
    item: str
    label: str
    amount: str         # as the editor shows it


def destination_of(phone: str) -> Destination:
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return Destination("", "", "")
    country = phonenumbers.region_code_for_number(parsed) or ""
    if not country or country == "ZZ":
        return Destination("", "", "")
    return Destination(country, _TYPES.get(phonenumbers.number_type(parsed), ""),
                       geocoder.country_name_for_number(parsed, "fr") or country)


def minute_price(currency: str, phone: str) -> tuple[int, Destination]:
    """(price of one started minute to this number, its destination)."""
    prices, destination = price_list(currency), destination_of(phone)
    item = next((i for i in destination.items() if i in prices), MINUTE)
    return prices.get(item, 0), destination


def _label(item: str) -> str:
    country, _, kind = item[len(PREFIX):].partition(":")
    example = phonenumbers.example_number(country)
    name = geocoder.country_name_for_number(example, "fr") if example else ""
    return Destination(country, kind, name or country).label


def destination_prices(ctx: AuthContext, currency: str) -> list[DestinationPrice]:
    access_area(ctx, "platform")
    with platform_session() as s:
        rows = s.exec(select(PriceItem).where(PriceItem.currency == currency.upper(),
                                              PriceItem.item.startswith(PREFIX)).order_by(PriceItem.item)).all()
    return [DestinationPrice(r.item, _label(r.item), minor_to_text(r.unit_amount, r.currency)) for r in rows]


def set_destination_price(ctx: AuthContext, currency: str, country: str, kind: str, amount: str) -> dict[str, str]:
    """Add or change one destination's minute price; the errors by field, or {} when saved."""
    access_area(ctx, "platform")
    currency, country, kind = currency.upper(), country.strip().upper(), kind.strip()
    errors = {}
    if currency not in CURRENCIES:
        errors["currency"] = "Devise inconnue."
    if country not in phonenumbers.SUPPORTED_REGIONS:
        errors["country"] = "Pays inconnu : son code ISO à deux lettres, ex. CM ou FR."
    if kind not in KINDS:
        errors["kind"] = "Type de ligne inconnu : mobile, fixe ou tous."
    try:
        unit_amount = to_minor(amount.strip(), currency) if not errors.get("currency") else 0
    except ValueError:
        errors["amount"] = "Prix invalide : un nombre positif."
    if errors:
        return errors
    item = f"{PREFIX}{country}" + (f":{kind}" if kind else "")
    with platform_session() as s:
        row = s.exec(select(PriceItem).where(PriceItem.currency == currency, PriceItem.item == item)).first()
        row = row or PriceItem(currency=currency, item=item)
        row.unit_amount, row.updated_at = unit_amount, utcnow()
        s.add(row)
    return {}


def remove_destination_price(ctx: AuthContext, currency: str, item: str) -> None:
    access_area(ctx, "platform")
    if not item.startswith(PREFIX):
        raise ValueError(item)
    with platform_session() as s:
        row = s.exec(select(PriceItem).where(PriceItem.currency == currency.upper(), PriceItem.item == item)).first()
        if row is not None:
            s.delete(row)
