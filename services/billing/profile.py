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
NIU = re.compile(r"^[A-Z0-9]{8,20}$")
RCCM = re.compile(r"^[A-Z]{2}[A-Z0-9/ -]{3,58}$", re.IGNORECASE)


@dataclass(frozen=True)
class ProfileView:
    legal_name: str
    address: str
    city: str
    vat_number: str
    country: str
    niu: str = ""
    rccm: str = ""

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
    return ProfileView(p.legal_name, p.address, p.city, p.vat_number, tenant.country, p.niu, p.rccm)


def save_billing_profile(ctx: AuthContext, legal_name: str, address: str, city: str,
                         vat_number: str, niu: str | None = None,
                         rccm: str | None = None) -> dict[str, str]:
    """Save; returns errors by field (empty when saved). NIU and RCCM are kept when not given."""
    access_area(ctx, "billing")
    vat_number = vat_number.replace(" ", "").upper()
    errors = {}
    if niu is not None:
        niu = niu.replace(" ", "").upper()
        if niu and not NIU.match(niu):
            errors["niu"] = "NIU invalide : 8 à 20 lettres ou chiffres (ex. M012345678901A)."
    if rccm is not None:
        rccm = " ".join(rccm.split())
        if rccm and not RCCM.match(rccm):
            errors["rccm"] = "RCCM invalide (ex. RC/DLA/2019/B/1234)."
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
        p.niu = p.niu if niu is None else niu
        p.rccm = p.rccm if rccm is None else rccm
        s.add(p)
    return {}
