"""Time bands: DST, a range across midnight, a contact's own zone, holidays."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services.campaigns.timebands import (
    TimeBandError, bands_from_config, contact_zone, is_open, parse_ranges,
)

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def _bands(week: dict[int, str], **extra):
    return bands_from_config({"timezone": extra.pop("timezone", "Europe/Paris"),
                              "bands": {str(d): r for d, r in week.items()}, **extra})


def test_ranges_are_parsed_and_bad_ones_refused_in_plain_french():
    assert [r.label() for r in parse_ranges("09:00-12:30, 14h00-18h00")] == [
        "09:00-12:30", "14:00-18:00"]
    with pytest.raises(TimeBandError, match="illisible"):
        parse_ranges("9-12")


@pytest.mark.parametrize("utc_instant, expected", [
    # Sunday 29 March 2026: Paris goes from UTC+1 to UTC+2 at 02:00.
    (datetime(2026, 3, 28, 8, 30, tzinfo=UTC), True),    # Saturday 09:30 CET
    (datetime(2026, 3, 29, 7, 30, tzinfo=UTC), True),    # Sunday 09:30 CEST
    (datetime(2026, 3, 29, 6, 30, tzinfo=UTC), False),   # Sunday 08:30 CEST (09:30 in CET)
    # Sunday 25 October 2026: back from UTC+2 to UTC+1 at 03:00.
    (datetime(2026, 10, 24, 7, 30, tzinfo=UTC), True),   # Saturday 09:30 CEST
    (datetime(2026, 10, 25, 8, 30, tzinfo=UTC), True),   # Sunday 09:30 CET
    (datetime(2026, 10, 25, 7, 30, tzinfo=UTC), False),  # Sunday 08:30 CET (09:30 in CEST)
])
def test_daylight_saving_changes_keep_wall_clock_hours(utc_instant, expected):
    bands = _bands({5: "09:00-12:00", 6: "09:00-12:00"})
    assert is_open(bands, utc_instant) is expected


def test_the_repeated_hour_of_october_is_open_twice_in_a_night_band():
    bands = _bands({5: "22:00-04:00"})  # Saturday night into Sunday 25 October 2026
    # 02:30 happens twice in Paris: 00:30 UTC (CEST) and 01:30 UTC (CET).
    assert is_open(bands, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    assert is_open(bands, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    assert not is_open(bands, datetime(2026, 10, 25, 3, 30, tzinfo=UTC))  # 04:30 CET


def test_a_range_across_midnight_belongs_to_the_day_it_starts():
    bands = _bands({0: "22:00-02:00"}, timezone="Africa/Douala")  # Monday night only
    at = lambda d, h, m=0: datetime(2026, 11, d, h, m, tzinfo=ZoneInfo("Africa/Douala"))
    assert is_open(bands, at(23, 23))          # Monday 23:00
    assert is_open(bands, at(24, 1, 59))       # Tuesday 01:59
    assert not is_open(bands, at(24, 2))       # Tuesday 02:00
    assert not is_open(bands, at(24, 23))      # Tuesday 23:00: Tuesday has no band
    assert not is_open(bands, at(23, 1))       # Monday 01:00: Sunday had no band


def test_a_contact_in_another_time_zone_is_called_in_its_own_hours():
    bands = _bands({d: "10:00-20:00" for d in range(5)}, contact_local_time=True)
    assert contact_zone("+237671234567", "Europe/Paris") == "Africa/Douala"
    assert contact_zone("+18095551234", "Europe/Paris").startswith("America/")
    monday_1830_paris = datetime(2026, 11, 23, 18, 30, tzinfo=PARIS)  # 17:30 Douala
    assert is_open(bands, monday_1830_paris, "+33612345678")
    assert is_open(bands, monday_1830_paris, "+237671234567")
    monday_1930_paris = datetime(2026, 11, 23, 19, 30, tzinfo=PARIS)
    # Montréal (UTC-5): 13:30 there, open; Réunion (UTC+4): 22:30 there, closed.
    assert is_open(bands, monday_1930_paris, "+15145550123")
    assert not is_open(bands, monday_1930_paris, "+262262123456")
    # Without the option, the campaign's zone alone decides.
    plain = _bands({d: "10:00-20:00" for d in range(5)})
    assert is_open(plain, monday_1930_paris, "+262262123456")


def test_holidays_close_the_day_explicit_or_national():
    week = {d: "09:00-18:00" for d in range(7)}
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
    assert is_open(_bands(week), christmas)
    assert not is_open(_bands(week, holidays=["2026-12-25"]), christmas)
    bastille = datetime(2026, 7, 14, 10, 0, tzinfo=PARIS)
    assert not is_open(_bands(week, holiday_country="FR"), bastille)
    assert is_open(_bands(week, holiday_country="FR"), datetime(2026, 7, 15, 10, 0, tzinfo=PARIS))


def test_a_night_range_starting_on_a_holiday_is_closed_after_midnight_too():
    bands = _bands({3: "20:00-02:00"}, holidays=["2026-12-24"])  # Thursday 24th
    assert not is_open(bands, datetime(2026, 12, 25, 1, 0, tzinfo=PARIS))


def test_a_naive_instant_is_refused():
    with pytest.raises(TimeBandError):
        is_open(_bands({0: "09:00-10:00"}), datetime(2026, 11, 23, 9, 30))
