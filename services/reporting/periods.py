"""The period a report covers (today, 7 days, month, custom), as UTC instants.

Days begin at midnight in the zone of whoever reads: the campaign's own time zone for a
campaign, the tenant's (its country's main zone) for the whole tenant.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as number_zones

PERIOD_KINDS = ("today", "7d", "month", "custom")
PERIOD_LABELS = {"today": "Aujourd'hui", "7d": "7 derniers jours", "month": "Ce mois",
                 "custom": "Personnalisée"}
MAX_CUSTOM_DAYS = 366


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date
    last_day: date  # included
    zone: str

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(),
                                ZoneInfo(self.zone)).astimezone(timezone.utc)

    @property
    def end(self) -> datetime:
        """Midnight after the last day (excluded)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(),
                                ZoneInfo(self.zone)).astimezone(timezone.utc)


def zone_of_country(country: str) -> str:
    """The main time zone of a country (from libphonenumber's data), UTC if unknown."""
    number = phonenumbers.example_number((country or "").upper())
    zones = number_zones.time_zones_for_number(number) if number else ()
    valid = [z for z in zones if z != number_zones.UNKNOWN_TIMEZONE]
    return valid[0] if valid else "UTC"


def checked_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def period(kind: str, zone: str, now: datetime | None = None,
           first_day: date | None = None, last_day: date | None = None) -> Period:
    zone = checked_zone(zone)
    today = (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(zone)).date()
    if kind == "today":
        return Period(kind, today, today, zone)
    if kind == "7d":
        return Period(kind, today - timedelta(days=6), today, zone)
    if kind == "month":
        return Period(kind, today.replace(day=1), today, zone)
    if kind == "custom":
        if first_day is None or last_day is None:
            raise PeriodError("Choisissez une date de début et une date de fin.")
        if last_day < first_day:
            raise PeriodError("La date de fin précède la date de début.")
        if (last_day - first_day).days >= MAX_CUSTOM_DAYS:
            raise PeriodError("Une période couvre au plus un an.")
        return Period(kind, first_day, last_day, zone)
    raise PeriodError(f"Période inconnue : {kind!r}")
