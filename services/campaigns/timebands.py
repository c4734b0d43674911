"""Time bands: when a campaign may call or send (UC-CP-01 step A). Pure rules.

A band set maps each weekday (0 = Monday) to ranges "HH:MM-HH:MM" in the campaign's time
zone; a range whose end is before its start runs across midnight (22:00-02:00 covers Monday
22:00 to Tuesday 02:00, and belongs to Monday). With `contact_local_time`, the instant must
also fall inside the bands in the contact's own zone, derived from its E.164 number.
Holidays (explicit dates, and optionally a country's public holidays) close the day.
Everything is evaluated with zoneinfo on aware datetimes, so DST changes are exact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_calendars
import phonenumbers
from phonenumbers import timezone as phone_timezone

WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
_RANGE = re.compile(r"^\s*([01]?\d|2[0-3])[:hH]([0-5]\d)\s*[-–à]\s*([01]?\d|2[0-4])[:hH]([0-5]\d)\s*$")


class TimeBandError(ValueError):
    pass


@dataclass(frozen=True)
class Range:
    start: time
    end: time  # time(0, 0) as an end means midnight

    @property
    def crosses_midnight(self) -> bool:
        return self.end != time(0) and self.end < self.start

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_ranges(text: str) -> list[Range]:
    """ "09:00-12:30, 14:00-18:00" -> two ranges; "" -> none. Raises TimeBandError."""
    ranges = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;/]", text or ""))):
        match = _RANGE.match(part)
        if not match:
            raise TimeBandError(f"Plage horaire illisible : « {part} » (ex. 09:00-12:30).")
        h1, m1, h2, m2 = map(int, match.groups())
        if h2 == 24 and m2:
            raise TimeBandError(f"Heure invalide : « {part} ».")
        start, end = time(h1, m1), time(0 if h2 == 24 else h2, m2)
        if start == end:
            raise TimeBandError(f"Plage vide : « {part} ».")
        ranges.append(Range(start, end))
    return ranges


def format_ranges(ranges: list[Range]) -> str:
    return ", ".join(r.label() for r in ranges)


@dataclass(frozen=True)
class TimeBands:
    timezone: str
    week: dict[int, tuple[Range, ...]]
    holidays: frozenset[date] = frozenset()
    holiday_country: str = ""  # ISO country whose public holidays are closed days
    contact_local_time: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(self.week.values())


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeBandError(f"Fuseau horaire inconnu : {name}") from exc


def bands_from_config(config: dict) -> TimeBands:
    week = {day: tuple(parse_ranges(config.get("bands", {}).get(str(day), "")))
            for day in range(7)}
    return TimeBands(
        timezone=config.get("timezone") or "Africa/Douala", week=week,
        holidays=frozenset(date.fromisoformat(d) for d in config.get("holidays", []) if d),
        holiday_country=config.get("holiday_country", ""),
        contact_local_time=bool(config.get("contact_local_time")))


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holiday_calendars.country_holidays(country, years=year).keys())
    except NotImplementedError:
        return frozenset()


def is_holiday(bands: TimeBands, day: date) -> bool:
    if day in bands.holidays:
        return True
    return bool(bands.holiday_country) and day in _public_holidays(bands.holiday_country, day.year)


def _open_in(bands: TimeBands, local: datetime) -> bool:
    """`local` is a wall-clock time in the zone the bands are read in."""
    today, now = local.date(), local.time()
    for r in bands.week.get(local.weekday(), ()):  # ranges starting today
        if not r.crosses_midnight:  # same day (an end of 00:00 means midnight)
            if r.start <= now and (r.end == time(0) or now < r.end):
                return not is_holiday(bands, today)
        elif now >= r.start:  # across midnight, evening part
            return not is_holiday(bands, today)
    yesterday = today - timedelta(days=1)
    for r in bands.week.get(yesterday.weekday(), ()):  # tail of yesterday's night range
        if r.crosses_midnight and now < r.end:
            return not is_holiday(bands, yesterday)
    return False


def contact_zone(e164: str, fallback: str) -> str:
    """The contact's own zone from its number; a number spanning several zones (e.g. the
    whole of the US) gives the first one phonenumbers lists, an unknown one the fallback."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return fallback
    zones = [z for z in phone_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    return zones[0] if zones else fallback


def is_open(bands: TimeBands, instant: datetime, contact_phone: str = "") -> bool:
    """May the campaign reach this contact at `instant` (an aware datetime)?"""
    if instant.tzinfo is None:
        raise TimeBandError("L'instant doit porter son fuseau horaire.")
    if not _open_in(bands, instant.astimezone(zone(bands.timezone))):
        return False
    if bands.contact_local_time and contact_phone:
        own = zone(contact_zone(contact_phone, bands.timezone))
        return _open_in(bands, instant.astimezone(own))
    return True


def validate_bands(config: dict) -> list[str]:
    """Readable problems of the frame's time settings (empty when fine)."""
    problems = []
    try:
        zone(config.get("timezone") or "Africa/Douala")
    except TimeBandError as exc:
        problems.append(str(exc))
    for day in range(7):
        try:
            parse_ranges(config.get("bands", {}).get(str(day), ""))
        except TimeBandError as exc:
            problems.append(f"{WEEKDAYS[day]} : {exc}")
    for text in config.get("holidays", []):
        try:
            date.fromisoformat(text)
        except ValueError:
            problems.append(f"Jour férié invalide : « {text} » (format AAAA-MM-JJ).")
    return problems
