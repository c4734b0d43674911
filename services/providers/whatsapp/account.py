"""Which WhatsApp business account a tenant sends from.

The Meta app (its secret and webhook verify token) is the platform's; the business number
(phone number id), its WhatsApp Business Account (WABA) and the access token may be the
tenant's own: WHATSAPP_T<tenant id>_PHONE_NUMBER_ID, _WABA_ID, _ACCESS_TOKEN in the
environment, else the platform's WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_WABA_ID,
WHATSAPP_ACCESS_TOKEN (secrets never live in the database).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from services.settings import get_settings


@dataclass(frozen=True)
class WhatsAppAccount:
    phone_number_id: str
    waba_id: str
    access_token: str = field(repr=False)
    own: bool = False  # the tenant's own number, not the platform's shared one


def account_of(tenant_id: int | None) -> WhatsAppAccount:
    s = get_settings()
    prefix = f"WHATSAPP_T{tenant_id}_"
    number = os.environ.get(prefix + "PHONE_NUMBER_ID", "") if tenant_id else ""
    if not number:
        return WhatsAppAccount(s.whatsapp_phone_number_id, s.whatsapp_waba_id,
                               s.whatsapp_access_token)
    token = os.environ.get(prefix + "ACCESS_TOKEN", "") or s.whatsapp_access_token
    return WhatsAppAccount(number, os.environ.get(prefix + "WABA_ID", "") or s.whatsapp_waba_id,
                           token, own=True)


def tenants_with_own_number() -> dict[str, int]:
    """phone number id -> tenant, for the tenants configured with their own number."""
    found = {}
    for name, value in os.environ.items():
        if name.startswith("WHATSAPP_T") and name.endswith("_PHONE_NUMBER_ID") and value:
            middle = name[len("WHATSAPP_T"):-len("_PHONE_NUMBER_ID")]
            if middle.isdigit():
                found[value] = int(middle)
    return found
