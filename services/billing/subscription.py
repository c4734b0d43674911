"""Changing the subscription of an active tenant (agent licences, channels) from Facturation.

Invariant: a tenant holds more licences or channels only once the prorated amount for the rest of
the current month is paid, and in the same transaction as that payment's wallet debit (paid from the
Smart Wallet, or by card: the card payment is credited then debited at once); so no licence is ever
granted unpaid, and a paid change is granted once. A reduction changes nothing until the first day
of the next month (`apply_scheduled_reductions`, the scheduler's daily tick): the month is paid.

The prorated amount of n added licences is n x seat price x days left (today included) / days of the
month, rounded up to the currency's minor unit. Channels carry no subscription fee in the price list
(their use is prepaid on the Smart Wallet): adding one costs nothing now.
"""
from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session, select

from services.billing.money import format_money
from services.billing.prices import CHANNEL_UNITS, ITEM_LABELS, MAX_AGENTS, SEAT, price_list
from services.billing.wallet import debit_wallet
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import Cart
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus
from services.voice.licences import agents_in_use

PRORATED = "seat_prorata"          # the wallet entry kind of a prorated licence purchase
CHANNEL_LABELS = {"voice": "Voix", "sms": "SMS", "email": "Email", "whatsapp": "WhatsApp"}


class PlanError(ValueError):
    pass


@dataclass(frozen=True)
class PlanView:
    agents: int
    channels: list[str]
    in_use: int
    seat_price: str
    scheduled: str            # "" or what changes on the first day of next month


@dataclass(frozen=True)
class PlanChange:
    """What a requested change does now, what it costs now, and what waits for next month."""
    agents_before: int        # the licences it was priced on
    agents_now: int
    channels_now: list[str]
    added_agents: int
    added_channels: list[str]
    amount: int               # net, prorated, in minor units
    currency: str
    days_left: int
    days_in_month: int
    scheduled: dict | None    # the reduction taking effect next month

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def summary(self) -> str:
        """The confirmation dialog's sentence."""
        parts = []
        if self.added_agents:
            parts.append(f"{self.added_agents} licence(s) agent de plus dès maintenant "
                         f"({self.agents_now} au total)")
        if self.added_channels:
            parts.append("canal " + ", ".join(CHANNEL_LABELS[c] for c in self.added_channels)
                         + " activé dès maintenant")
        if self.scheduled:
            parts.append(f"à partir du 1er {_month_name(self.scheduled['from'])} : "
                         f"{_plan_text(self.scheduled)}")
        cost = (f"Montant au prorata ({self.days_left}/{self.days_in_month} jours restants) : "
                f"{self.amount_display} HT." if self.amount else "Aucun montant à payer maintenant.")
        return "; ".join(parts) + ". " + cost

    def lines(self, seat_price: int) -> list[dict]:
        """The invoice lines of the purchase."""
        if not self.added_agents:
            return []
        return [{"label": "Licences agent supplémentaires (prorata)", "quantity": self.added_agents,
                 "unit_amount": self.amount // self.added_agents, "amount": self.amount,
                 "detail": f"{ITEM_LABELS[SEAT]} à {format_money(seat_price, self.currency)}, "
                           f"{self.days_left}/{self.days_in_month} jours restants du mois"}]


def _month_name(year_month: str) -> str:
    names = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
    year, month = (int(x) for x in year_month.split("-"))
    return f"{names[month - 1]} {year}"


def _plan_text(plan: dict) -> str:
    return (f"{plan['agents']} licence(s) agent, canaux "
            + ", ".join(CHANNEL_LABELS[c] for c in plan["channels"]))


def _next_month(today: date) -> str:
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


def prorated_amount(added_agents: int, seat_price: int, today: date) -> tuple[int, int, int]:
    """(amount, days left including today, days in the month)."""
    days = calendar.monthrange(today.year, today.month)[1]
    left = days - today.day + 1
    return -(-added_agents * seat_price * left // days), left, days


def _active_tenant(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant.status != TenantStatus.ACTIVE.value:
        raise PlanError("Le paiement initial de l'instance n'est pas encore confirmé.")
    return tenant


def current_plan(ctx: AuthContext) -> PlanView:
    access_area(ctx, "billing")
    with platform_session() as s:
        tenant = s.get(Tenant, ctx.tenant_id)
        cart = s.get(Cart, ctx.tenant_id)
        in_use = agents_in_use(s, ctx.tenant_id)
    seat = price_list(tenant.currency).get(SEAT, 0)
    scheduled = (f"À partir du 1er {_month_name(cart.scheduled['from'])} : "
                 f"{_plan_text(cart.scheduled)}." if cart and cart.scheduled else "")
    return PlanView(cart.agents if cart else 0, list(cart.channels) if cart else [], in_use,
                    format_money(seat, tenant.currency), scheduled)


def price_change(ctx: AuthContext, agents: int, channels: list[str],
                 today: date | None = None) -> PlanChange:
    """Validate the requested plan and say what it does and costs; changes nothing."""
    access_area(ctx, "billing")
    today = today or utcnow().date()
    channels = [c for c in CHANNEL_UNITS if c in channels]
    if not 1 <= agents <= MAX_AGENTS:
        raise PlanError(f"Le nombre de licences agent doit être compris entre 1 et {MAX_AGENTS}.")
    if not channels:
        raise PlanError("Gardez au moins un canal.")
    with platform_session() as s:
        tenant = _active_tenant(s, ctx.tenant_id)
        cart = s.get(Cart, ctx.tenant_id)
        in_use = agents_in_use(s, ctx.tenant_id)
    have_agents, have_channels = (cart.agents, list(cart.channels)) if cart else (0, [])
    if agents < in_use:
        raise PlanError(f"{in_use} agents actifs occupent une licence : supprimez-en avant de "
                        f"réduire à {agents} licence(s).")
    agents_now = max(agents, have_agents)
    channels_now = [c for c in CHANNEL_UNITS if c in channels or c in have_channels]
    reduced = agents < have_agents or set(have_channels) - set(channels)
    scheduled = ({"agents": agents, "channels": channels, "from": _next_month(today)}
                 if reduced else None)
    added_agents = agents_now - have_agents
    added_channels = [c for c in channels_now if c not in have_channels]
    if not (added_agents or added_channels or scheduled or (cart and cart.scheduled)):
        raise PlanError("Rien ne change : modifiez le nombre de licences ou les canaux.")
    seat = price_list(tenant.currency).get(SEAT, 0)
    amount, left, days = prorated_amount(added_agents, seat, today)
    return PlanChange(have_agents, agents_now, channels_now, added_agents, added_channels, amount,
                      tenant.currency, left, days, scheduled)


def apply_change(session: Session, tenant_id: int, change: PlanChange, *, reference: str,
                 paid: bool = False) -> None:
    """Debit the prorated amount (once per reference) and grant the change, in the caller's
    transaction; the plan row is locked so two changes queue up. Unless it is already paid (card),
    a change priced on a plan that has changed since is refused: two clicks pay once."""
    cart = session.exec(select(Cart).where(Cart.tenant_id == tenant_id).with_for_update()).first()
    cart = cart or Cart(tenant_id=tenant_id, agents=0, channels=[], traffic={})
    if not paid and cart.agents != change.agents_before:
        raise PlanError("L'abonnement vient de changer : vérifiez-le et confirmez de nouveau.")
    if change.amount:
        debit_wallet(tenant_id, change.amount, kind=PRORATED, quantity=change.added_agents,
                     reference=reference, session=session,
                     description=f"{change.added_agents} licence(s) agent au prorata "
                                 f"({change.days_left}/{change.days_in_month} jours)")
    cart.agents = max(cart.agents, change.agents_now)
    cart.channels = [c for c in CHANNEL_UNITS if c in change.channels_now or c in cart.channels]
    cart.scheduled, cart.updated_at = change.scheduled, utcnow()
    session.add(cart)


def change_plan_from_wallet(ctx: AuthContext, agents: int, channels: list[str]) -> PlanChange:
    """Pay the prorated amount from the Smart Wallet (InsufficientBalance when it is short)."""
    change = price_change(ctx, agents, channels)
    with platform_session() as s:
        apply_change(s, ctx.tenant_id, change,
                     reference=f"plan:{ctx.tenant_id}:{utcnow():%Y%m%d%H%M%S%f}")
    return change


def start_plan_checkout(ctx: AuthContext, agents: int, channels: list[str]) -> str:
    """Pay the prorated amount by card; the change is granted when the payment settles."""
    from services.billing.payments import open_checkout

    change = price_change(ctx, agents, channels)
    if not change.amount:
        raise PlanError("Aucun montant à payer : confirmez sans carte.")
    with platform_session() as s:
        tenant = s.get(Tenant, ctx.tenant_id)
    seat = price_list(tenant.currency).get(SEAT, 0)
    snapshot = {"change": asdict(change), "lines": change.lines(seat)}
    return open_checkout(ctx, "licences", change.amount, snapshot,
                         f"Licences supplémentaires — {tenant.name}")


def settle_paid_change(session: Session, payment_id: int, tenant_id: int, snapshot: dict) -> None:
    """A card payment of a plan change has succeeded (its net is on the wallet): grant the change
    as the person confirmed it, once."""
    apply_change(session, tenant_id, PlanChange(**snapshot["change"]),
                 reference=f"plan:payment:{payment_id}", paid=True)


def apply_scheduled_reductions(today: date | None = None) -> int:
    """The scheduler's tick: reductions whose month has come take effect."""
    today = today or utcnow().date()
    month = f"{today:%Y-%m}"
    done = 0
    with platform_session() as s:
        carts = s.exec(select(Cart).where(Cart.scheduled.is_not(None)).with_for_update()).all()
        for cart in carts:
            if cart.scheduled and cart.scheduled["from"] <= month:
                cart.agents = max(int(cart.scheduled["agents"]), agents_in_use(s, cart.tenant_id))
                cart.channels = list(cart.scheduled["channels"])
                cart.scheduled, cart.updated_at = None, utcnow()
                s.add(cart)
                done += 1
    return done
