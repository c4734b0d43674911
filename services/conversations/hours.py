"""When an agent's answer may leave: the sending hours of the contact's country preset.

A customer may write at any time and the message always lands in the console; the answer,
though, respects the country preset of the channel (e.g. Cameroon: SMS 06:00–22:00), not the
campaign's own bands (a campaign that calls 09:00–18:00 may still answer at 20:00). Outside the
hours the answer is queued until the next opening, and the console shows that time.
A country without a preset for the channel has no restriction.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import phonenumbers

from services.campaigns.presets import PRESETS
from services.campaigns.timebands import TimeBands, is_open, parse_ranges

STEP = timedelta(minutes=15)
HORIZON = timedelta(days=8)


def country_of(phone: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None)) or ""
    except phonenumbers.NumberParseException:
        return ""


def sending_hours(channel: str, phone: str) -> TimeBands | None:
    """The preset hours for this channel ('sms' | 'whatsapp') and number; None: any time."""
    country = country_of(phone)
    for preset in PRESETS.values():
        if preset.country == country and preset.channel == channel.upper():
            week = {d: tuple(parse_ranges(preset.bands.get(str(d), ""))) for d in range(7)}
            return TimeBands(timezone=preset.timezone, week=week,
                             contact_local_time=preset.contact_local_time)
    return None


def next_opening(channel: str, phone: str, now: datetime) -> datetime | None:
    """None when the answer may leave now; else the first minute it may."""
    bands = sending_hours(channel, phone)
    if bands is None or is_open(bands, now, phone):
        return None
    instant = now.replace(second=0, microsecond=0)
    end = now + HORIZON
    while instant < end and not is_open(bands, instant + STEP, phone):
        instant += STEP
    instant += timedelta(minutes=1)
    while instant < end and not is_open(bands, instant, phone):
        instant += timedelta(minutes=1)
    return instant if instant < end else None


def waiting_reason(opening: datetime) -> str:
    """Why a queued answer waits (shown under it in the console)."""
    return f"En attente : hors des heures d'envoi du pays, part le {opening:%d/%m/%Y à %H:%M} UTC."
