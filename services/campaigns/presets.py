"""Compliance presets per country: dated, sourced data to start a campaign's time bands and
the tenant's frequency caps from. Never constants elsewhere in code (DESIGN.md §7).

Each preset says where it comes from and since when it applies; a supervisor starts from it
and may only narrow it. The engines enforce bands and caps at send / dial time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.campaigns import FrequencyCap
from services.models.columns import utcnow


CAP_CHANNELS = ("VOIX", "SMS", "EMAIL", "WHATSAPP")


class CapError(ValueError):
    pass


@dataclass(frozen=True)
class Cap:
    channel: str
    max_contacts: int
    window_days: int
    cooldown_after_refusal_days: int = 0


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    country: str
    channel: str  # the channel the hours apply to
    timezone: str
    bands: dict[str, str]  # weekday (0 = Monday) -> ranges
    contact_local_time: bool
    public_holidays_closed: bool
    caps: tuple[Cap, ...]
    effective: date
    source: str


_WEEKDAYS_ONLY = {str(d): "" for d in range(7)}

PRESETS: dict[str, Preset] = {p.key: p for p in (
    # Source: Code de la consommation art. L.223-1 and Décret n° 2022-1313 du 13 octobre 2022
    # (JORF 14/10/2022), in force 1 March 2023: unsolicited calls Monday to Friday
    # 10:00-13:00 and 14:00-20:00, none on Saturdays, Sundays and public holidays; at most
    # 4 calls per 30 days to the same person; none for 60 days after a refusal.
    Preset("FR_CALLS", "France — démarchage téléphonique", "FR", "VOIX", "Europe/Paris",
           {**_WEEKDAYS_ONLY, **{str(d): "10:00-13:00, 14:00-20:00" for d in range(5)}},
           contact_local_time=True, public_holidays_closed=True,
           caps=(Cap("VOIX", 4, 30, 60),), effective=date(2023, 3, 1),
           source="Décret n° 2022-1313 du 13 octobre 2022 (Légifrance JORFTEXT000046406268)"),
    # Source: the product specification (issue #5) transcribing the Cameroonian rules on
    # unsolicited SMS (ART, Agence de Régulation des Télécommunications): sending only
    # 06:00-22:00, at most 3 per subscriber per day. Text reference to be confirmed by legal.
    Preset("CM_SMS", "Cameroun — SMS non sollicités", "CM", "SMS", "Africa/Douala",
           {str(d): "06:00-22:00" for d in range(7)}, contact_local_time=False,
           public_holidays_closed=False, caps=(Cap("SMS", 3, 1),),
           effective=date(2026, 1, 1),
           source="Spécification B-GOTOCALL (issue #5), règles ART Cameroun sur les SMS "
                  "non sollicités — référence du texte à confirmer"),
    # Source: the product specification (issue #5) transcribing the Senegalese rule (ARTP,
    # Autorité de Régulation des Télécommunications et des Postes): no promotional SMS
    # between 21:00 and 06:00. Text reference to be confirmed by legal.
    Preset("SN_SMS", "Sénégal — SMS promotionnels", "SN", "SMS", "Africa/Dakar",
           {str(d): "06:00-21:00" for d in range(7)}, contact_local_time=False,
           public_holidays_closed=False, caps=(), effective=date(2026, 1, 1),
           source="Spécification B-GOTOCALL (issue #5), règle ARTP Sénégal sur les SMS "
                  "promotionnels — référence du texte à confirmer"),
)}


def apply_preset(config: dict, key: str) -> dict:
    """The configuration with the preset's zone, hours and holiday rule in place."""
    preset = PRESETS[key]
    return {**config, "timezone": preset.timezone, "bands": dict(preset.bands),
            "contact_local_time": preset.contact_local_time,
            "holiday_country": preset.country if preset.public_holidays_closed else "",
            "preset": key}


def frequency_caps(ctx: AuthContext) -> list[FrequencyCap]:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        return list(session.exec(select(FrequencyCap).order_by(FrequencyCap.channel)))


def set_frequency_cap(ctx: AuthContext, cap: Cap, source: str = "") -> FrequencyCap:
    """The tenant's limit for a channel, across all its campaigns (replaces the previous)."""
    access_area(ctx, "campaigns")
    if cap.channel not in CAP_CHANNELS:
        raise CapError("Canal inconnu.")
    if cap.max_contacts < 1 or cap.window_days < 1 or cap.cooldown_after_refusal_days < 0:
        raise CapError("Un plafond est un nombre positif de contacts sur un nombre de jours.")
    with tenant_session(ctx) as session:
        row = session.exec(select(FrequencyCap).where(FrequencyCap.channel == cap.channel)
                           ).first() or FrequencyCap(channel=cap.channel, max_contacts=0,
                                                     window_days=0)
        row.max_contacts, row.window_days = cap.max_contacts, cap.window_days
        row.cooldown_after_refusal_days, row.source = cap.cooldown_after_refusal_days, source[:300]
        row.updated_at = utcnow()
        session.add(row)
    return row


def apply_preset_caps(ctx: AuthContext, key: str) -> list[FrequencyCap]:
    preset = PRESETS[key]
    return [set_frequency_cap(ctx, cap, preset.source) for cap in preset.caps]
