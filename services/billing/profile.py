"""A tenant's fiscal details (VAT number, address), asked for when missing."""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.billing.vat import EU_COUNTRIES
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import BillingProfile
from services.models.columns import utcnow
from services.models.platform import Tenant

_VAT_NUMBER = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")


@dataclass(frozen=True)
class ProfileView:
    legal_name: str
    address: str
    city: str
    vat_number: str
    country: str

    @property
    def missing(self) -> bool:
        return not (self.legal_name and self.address and self.city)


def billing_profile(ctx: AuthContext) -> ProfileView:
    access_area(ctx, "billing")
    with platform_session() as s:
        tenant = s.get(Tenant, ctx.tenant_id)
        p = s.get(BillingProfile, ctx.tenant_id)
    if p is None:
        return ProfileView(tenant.name, "", "", "", tenant.country)
    return ProfileView(p.legal_name, p.address, p.city, p.vat_number, tenant.country)


def save_billing_profile(ctx: AuthContext, legal_name: str, address: str, city: str,
                         vat_number: str) -> dict[str, str]:
    """Save; returns errors by field (empty when saved)."""
    access_area(ctx, "billing")
    vat_number = vat_number.replace(" ", "").upper()
    errors = {}
    if len(legal_name.strip()) < 2:
        errors["legal_name"] = "Indiquez la raison sociale."
    if len(address.strip()) < 4:
        errors["address"] = "Indiquez l'adresse du siège."
    if len(city.strip()) < 2:
        errors["city"] = "Indiquez la ville."
    with platform_session() as s:
        country = s.get(Tenant, ctx.tenant_id).country
    if vat_number and country in EU_COUNTRIES and not (
            _VAT_NUMBER.match(vat_number) and vat_number[:2] == ("EL" if country == "GR" else country)):
        errors["vat_number"] = f"Numéro de TVA intracommunautaire invalide (ex. {country}12345678901)."
    if errors:
        return errors
    with platform_session() as s:
        p = s.get(BillingProfile, ctx.tenant_id) or BillingProfile(tenant_id=ctx.tenant_id)
        p.legal_name, p.address, p.city = legal_name.strip(), address.strip(), city.strip()
        p.vat_number, p.updated_at = vat_number, utcnow()
        s.add(p)
    return {}
