"""The seller printed on every invoice: the platform's legal mentions, set by the super admin.

Stored as one platform option; an invoice prints only what is filled in, never a placeholder.
"""
from __future__ import annotations

import re

from services.billing.profile import NIU, RCCM
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import PlatformOption

SELLER_KEY = "billing.seller"
FIELDS = ("name", "address", "niu", "rccm", "vat_number", "email")
LABELS = {"niu": "NIU", "rccm": "RCCM", "vat_number": "N° TVA"}
DEFAULT = {"name": "BIAR GROUP", "address": "Douala, Cameroun", "niu": "", "rccm": "",
           "vat_number": "", "email": "facturation@b-gotocall.com"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def seller_details() -> dict[str, str]:
    with platform_session() as s:
        option = s.get(PlatformOption, SELLER_KEY)
    return {**DEFAULT, **({k: str(v) for k, v in option.value.items() if k in FIELDS}
                          if option else {})}


def legal_mentions(seller: dict[str, str]) -> list[str]:
    """The identifier lines of the invoice header, e.g. 'NIU : M012345678901A'."""
    return [f"{label} : {seller[key]}" for key, label in LABELS.items() if seller.get(key)]


def seller_missing() -> list[str]:
    """The legal identifiers not set yet (the super admin console says so)."""
    seller = seller_details()
    return [LABELS[k] for k in ("niu", "rccm") if not seller[k]]


def save_seller(ctx: AuthContext, values: dict[str, str]) -> dict[str, str]:
    """Validate and save; the errors by field, or {} when saved."""
    access_area(ctx, "platform")
    clean = {k: " ".join(str(values.get(k, "")).split()) for k in FIELDS}
    errors = {}
    if len(clean["name"]) < 2:
        errors["name"] = "Indiquez la raison sociale du vendeur."
    if len(clean["address"]) < 4:
        errors["address"] = "Indiquez l'adresse du siège."
    if not NIU.match(clean["niu"].upper()):
        errors["niu"] = "NIU invalide : 8 à 20 lettres ou chiffres (ex. M012345678901A)."
    if not RCCM.match(clean["rccm"]):
        errors["rccm"] = "Indiquez le numéro RCCM (ex. RC/DLA/2019/B/1234)."
    if clean["email"] and not _EMAIL.match(clean["email"]):
        errors["email"] = "Adresse email invalide."
    if errors:
        return errors
    clean["niu"] = clean["niu"].upper()
    with platform_session() as s:
        option = s.get(PlatformOption, SELLER_KEY) or PlatformOption(key=SELLER_KEY)
        option.value = clean
        s.add(option)
    return {}
