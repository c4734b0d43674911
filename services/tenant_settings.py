"""Paramètres (admin): the company profile and legal identifiers, and the operating settings the call
flows and the messaging engine read — time zone, default country, pause reasons, maximum wrap-up
time, recording retention. Read at each use, so a change takes effect without a restart.
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import available_timezones

import phonenumbers

from services.billing.profile import billing_profile, save_billing_profile
from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.columns import utcnow
from services.models.platform import Tenant
from services.models.settings import TenantSettings

DEFAULT_PAUSE_REASONS = ("Déjeuner", "Formation", "Réunion", "Pause courte")
# The time zone a new tenant starts with, by country (the first of the country otherwise).
COUNTRY_TIMEZONES = {"CM": "Africa/Douala", "CI": "Africa/Abidjan", "SN": "Africa/Dakar",
                     "GA": "Africa/Libreville", "FR": "Europe/Paris", "BE": "Europe/Brussels"}
MAX_WRAPUP = 3600
MAX_RETENTION_DAYS = 3650
MAX_PAUSE_REASONS = 12


@dataclass(frozen=True)
class OperatingSettings:
    timezone: str
    default_country: str
    pause_reasons: list[str]
    max_wrapup_seconds: int
    recording_retention_days: int


@dataclass(frozen=True)
class CompanyProfile:
    legal_name: str
    address: str
    city: str
    niu: str
    rccm: str
    vat_number: str


def _defaults(tenant_id: int) -> OperatingSettings:
    with platform_session() as s:
        country = s.get(Tenant, tenant_id).country
    return OperatingSettings(COUNTRY_TIMEZONES.get(country, "UTC"), country,
                             list(DEFAULT_PAUSE_REASONS), 60, 90)


def operating_settings(ctx: AuthContext) -> OperatingSettings:
    """Any role of the tenant reads them (the agent panel reads its pause reasons)."""
    if ctx is None or ctx.tenant_id is None:
        access_area(ctx, "tenant_settings")
    with tenant_session(ctx) as s:
        row = s.get(TenantSettings, 1)
    if row is None:
        return _defaults(ctx.tenant_id)
    return OperatingSettings(row.timezone, row.default_country, list(row.pause_reasons),
                             row.max_wrapup_seconds, row.recording_retention_days)


def pause_reasons(ctx: AuthContext) -> list[str]:
    return operating_settings(ctx).pause_reasons


def _whole(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def save_operating_settings(ctx: AuthContext, timezone: str, default_country: str,
                            pause_reasons_text: str, max_wrapup: str,
                            retention_days: str) -> dict[str, str]:
    """Validate and save; the errors by field, or {} when saved."""
    access_area(ctx, "tenant_settings")
    errors = {}
    timezone, country = timezone.strip(), default_country.strip().upper()
    if timezone not in available_timezones():
        errors["timezone"] = "Fuseau horaire inconnu : choisissez-en un dans la liste (ex. Africa/Douala)."
    if country not in phonenumbers.SUPPORTED_REGIONS:
        errors["default_country"] = "Pays inconnu : indiquez son code à deux lettres (ex. CM)."
    reasons = [" ".join(r.split()) for r in pause_reasons_text.splitlines() if r.strip()]
    if not reasons:
        errors["pause_reasons"] = "Indiquez au moins un motif de pause (un par ligne)."
    elif len(reasons) > MAX_PAUSE_REASONS:
        errors["pause_reasons"] = f"{MAX_PAUSE_REASONS} motifs de pause au plus."
    elif any(not 2 <= len(r) <= 40 for r in reasons):
        errors["pause_reasons"] = "Chaque motif de pause compte de 2 à 40 caractères."
    elif len({r.casefold() for r in reasons}) != len(reasons):
        errors["pause_reasons"] = "Un motif de pause figure deux fois."
    wrapup = _whole(max_wrapup, 0, MAX_WRAPUP)
    if wrapup is None:
        errors["max_wrapup_seconds"] = (f"Durée de post-appel invalide : un nombre de secondes "
                                        f"entre 0 et {MAX_WRAPUP}.")
    retention = _whole(retention_days, 1, MAX_RETENTION_DAYS)
    if retention is None:
        errors["recording_retention_days"] = (f"Durée de conservation invalide : un nombre de "
                                              f"jours entre 1 et {MAX_RETENTION_DAYS}.")
    if errors:
        return errors
    with tenant_session(ctx) as s:
        row = s.get(TenantSettings, 1) or TenantSettings(id=1, timezone=timezone,
                                                         default_country=country)
        row.timezone, row.default_country, row.pause_reasons = timezone, country, reasons
        row.max_wrapup_seconds, row.recording_retention_days = wrapup, retention
        row.updated_at = utcnow()
        s.add(row)
    return {}


def company_profile(ctx: AuthContext) -> CompanyProfile:
    access_area(ctx, "tenant_settings")
    p = billing_profile(ctx)
    return CompanyProfile(p.legal_name, p.address, p.city, p.niu, p.rccm, p.vat_number)


def save_company_profile(ctx: AuthContext, legal_name: str, address: str, city: str, niu: str,
                         rccm: str, vat_number: str) -> dict[str, str]:
    """The same record as Facturation's fiscal details (printed on the invoices)."""
    access_area(ctx, "tenant_settings")
    return save_billing_profile(ctx, legal_name, address, city, vat_number, niu, rccm)


# Messaging: the email provider and the STOP confirmation SMS ---------------------------------

EMAIL_PROVIDER_LABELS = {"sendgrid": "SendGrid", "smtp": "Serveur SMTP"}
_PROVIDER_TTL_SECONDS = 5.0
_provider_cache: dict[int, tuple[float, str]] = {}


@dataclass(frozen=True)
class MessagingSettings:
    email_provider: str
    stop_confirmation: bool


def _messaging_row(tenant_id: int) -> MessagingSettings:
    from services.identity.system import system_context

    with tenant_session(system_context(tenant_id)) as s:
        row = s.get(TenantSettings, 1)
    if row is None:
        return MessagingSettings("sendgrid", False)
    return MessagingSettings(row.email_provider, row.stop_confirmation)


def messaging_settings(ctx: AuthContext) -> MessagingSettings:
    access_area(ctx, "tenant_settings")
    return _messaging_row(ctx.tenant_id)


def email_provider(tenant_id: int) -> str:
    """What the sending engine reads per email: cached a few seconds per process."""
    import time

    now = time.monotonic()
    cached = _provider_cache.get(tenant_id)
    if cached and now - cached[0] < _PROVIDER_TTL_SECONDS:
        return cached[1]
    provider = _messaging_row(tenant_id).email_provider
    _provider_cache[tenant_id] = (now, provider)
    return provider


def stop_confirmation_enabled(tenant_id: int) -> bool:
    return _messaging_row(tenant_id).stop_confirmation


def save_messaging_settings(ctx: AuthContext, provider: str,
                            stop_confirmation: bool) -> dict[str, str]:
    """Validate and save; the errors by field, or {} when saved."""
    access_area(ctx, "tenant_settings")
    if provider not in EMAIL_PROVIDER_LABELS:
        return {"email_provider": "Fournisseur d'email inconnu : SendGrid ou serveur SMTP."}
    defaults = _defaults(ctx.tenant_id)
    with tenant_session(ctx) as s:
        row = s.get(TenantSettings, 1) or TenantSettings(
            id=1, timezone=defaults.timezone, default_country=defaults.default_country,
            pause_reasons=defaults.pause_reasons)
        row.email_provider, row.stop_confirmation = provider, bool(stop_confirmation)
        row.updated_at = utcnow()
        s.add(row)
    _provider_cache.pop(ctx.tenant_id, None)
    return {}
