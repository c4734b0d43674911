"""The configurator's cart (UC-ADM-02): saved at each change so it survives a reload."""
from __future__ import annotations

from dataclasses import dataclass

from services.billing.prices import CHANNEL_UNITS, MAX_AGENTS, Quote, quote
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import BillingProfile, Cart
from services.models.columns import utcnow
from services.models.platform import Tenant

MAX_TRAFFIC = 10_000_000


@dataclass(frozen=True)
class CartView:
    channels: list[str]
    agents: int
    traffic: dict[str, int]
    quote: Quote


def _view(tenant: Tenant, cart: Cart, vat_number: str) -> CartView:
    traffic = {c: int(cart.traffic.get(c, 0) or 0) for c in CHANNEL_UNITS}
    return CartView(list(cart.channels), cart.agents, traffic,
                    quote(tenant.currency, tenant.country, cart.channels, cart.agents,
                          cart.traffic, vat_number))


def load_cart(ctx: AuthContext) -> CartView:
    access_area(ctx, "billing")
    with platform_session() as s:
        tenant = s.get(Tenant, ctx.tenant_id)
        cart = s.get(Cart, ctx.tenant_id) or Cart(tenant_id=ctx.tenant_id, channels=["voice"],
                                                  agents=1, traffic={"voice": 1000})
        profile = s.get(BillingProfile, ctx.tenant_id)
        return _view(tenant, cart, profile.vat_number if profile else "")


def save_cart(ctx: AuthContext, channels: list[str], agents: int,
              traffic: dict[str, int]) -> CartView:
    access_area(ctx, "billing")
    channels = [c for c in CHANNEL_UNITS if c in channels]
    agents = min(max(1, int(agents)), MAX_AGENTS)
    traffic = {c: min(max(0, int(traffic.get(c, 0) or 0)), MAX_TRAFFIC) for c in CHANNEL_UNITS}
    with platform_session() as s:
        cart = s.get(Cart, ctx.tenant_id) or Cart(tenant_id=ctx.tenant_id)
        cart.channels, cart.agents, cart.traffic, cart.updated_at = (
            channels, agents, traffic, utcnow())
        s.add(cart)
        tenant = s.get(Tenant, ctx.tenant_id)
        profile = s.get(BillingProfile, ctx.tenant_id)
        return _view(tenant, cart, profile.vat_number if profile else "")
