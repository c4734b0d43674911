"""The price list (per seat and per channel unit, per currency) and quotes computed from it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.billing.money import CURRENCIES, minor_to_text, to_minor
from services.billing.vat import vat_amount, vat_rule
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import PriceItem
from services.models.columns import utcnow

SEAT = "seat"
# channel -> the unit it is billed by
CHANNEL_UNITS = {"voice": "voice_minute", "sms": "sms", "email": "email", "whatsapp": "whatsapp"}
ITEMS = [SEAT, *CHANNEL_UNITS.values()]
ITEM_LABELS = {"seat": "Siège agent (par mois)", "voice_minute": "Minute voix",
               "sms": "SMS", "email": "Email", "whatsapp": "Message WhatsApp"}
MAX_AGENTS = 500


class PriceError(ValueError):
    pass


@dataclass(frozen=True)
class QuoteLine:
    item: str
    label: str
    quantity: int
    unit_amount: int
    amount: int


@dataclass(frozen=True)
class Quote:
    currency: str
    subscription: list[QuoteLine]
    consumption: list[QuoteLine]
    vat_rate_bp: int
    reverse_charge: bool

    @property
    def subscription_total(self) -> int:
        return sum(line.amount for line in self.subscription)

    @property
    def consumption_total(self) -> int:
        return sum(line.amount for line in self.consumption)

    @property
    def net(self) -> int:
        return self.subscription_total + self.consumption_total

    @property
    def vat(self) -> int:
        return vat_amount(self.net, self.vat_rate_bp)

    @property
    def total(self) -> int:
        return self.net + self.vat


def price_list(currency: str) -> dict[str, int]:
    with platform_session() as s:
        rows = s.exec(select(PriceItem).where(PriceItem.currency == currency.upper())).all()
    return {row.item: row.unit_amount for row in rows}


def all_prices(ctx: AuthContext) -> list[PriceItem]:
    access_area(ctx, "platform")
    with platform_session() as s:
        return list(s.exec(select(PriceItem).order_by(PriceItem.currency, PriceItem.id)))


def set_price(ctx: AuthContext, currency: str, item: str, unit_amount: int) -> PriceItem:
    """The super admin edits one unit price; quotes made afterwards use it."""
    access_area(ctx, "platform")
    currency = currency.upper()
    if currency not in CURRENCIES or item not in ITEMS:
        raise PriceError("Devise ou article inconnu.")
    if unit_amount < 0:
        raise PriceError("Le prix ne peut pas être négatif.")
    with platform_session() as s:
        row = s.exec(select(PriceItem).where(PriceItem.currency == currency,
                                             PriceItem.item == item)).first()
        row = row or PriceItem(currency=currency, item=item)
        row.unit_amount, row.updated_at = unit_amount, utcnow()
        s.add(row)
    return row


def price_grid(ctx: AuthContext) -> dict[str, dict[str, str]]:
    """Every currency's prices as the editor shows them (human amounts, '' when unset)."""
    access_area(ctx, "platform")
    grid = {c: {item: "" for item in ITEMS} for c in CURRENCIES}
    for row in all_prices(ctx):
        if row.currency in grid and row.item in ITEMS:
            grid[row.currency][row.item] = minor_to_text(row.unit_amount, row.currency)
    return grid


def save_price_list(ctx: AuthContext, currency: str, values: dict[str, str]) -> dict[str, str]:
    """Validate and save one currency's prices at once; the errors by item, or {} when saved."""
    access_area(ctx, "platform")
    currency = currency.upper()
    if currency not in CURRENCIES:
        raise PriceError("Devise inconnue.")
    amounts, errors = {}, {}
    for item in ITEMS:
        text = str(values.get(item, "")).strip()
        if not text:
            errors[item] = "Indiquez un prix (0 si gratuit)."
            continue
        try:
            amounts[item] = to_minor(text, currency)
        except ValueError:
            errors[item] = ("Prix invalide : un nombre positif, en francs entiers."
                            if currency in ("XAF", "XOF") else
                            "Prix invalide : un nombre positif, deux décimales au plus.")
    if errors:
        return errors
    with platform_session() as s:
        rows = {r.item: r for r in s.exec(select(PriceItem).where(PriceItem.currency == currency))}
        for item, amount in amounts.items():
            row = rows.get(item) or PriceItem(currency=currency, item=item)
            row.unit_amount, row.updated_at = amount, utcnow()
            s.add(row)
    return {}


def quote(currency: str, country: str, channels: list[str], agents: int,
          traffic: dict[str, int], vat_number: str = "") -> Quote:
    """Monthly subscription (seats) + estimated consumption of the chosen channels."""
    prices = price_list(currency)
    seat = prices.get(SEAT, 0)
    subscription = [QuoteLine(SEAT, ITEM_LABELS[SEAT], agents, seat, agents * seat)]
    consumption = []
    for channel in CHANNEL_UNITS:
        if channel in channels:
            unit = CHANNEL_UNITS[channel]
            qty = max(0, int(traffic.get(channel, 0) or 0))
            consumption.append(QuoteLine(unit, ITEM_LABELS[unit], qty, prices.get(unit, 0),
                                         qty * prices.get(unit, 0)))
    rule = vat_rule(country, vat_number)
    return Quote(currency.upper(), subscription, consumption, rule.rate_bp, rule.reverse_charge)
