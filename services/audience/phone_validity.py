"""phonenumbers.is_valid_number's own rule, compiled once per country calling code.

is_valid_number re-resolves metadata and regexes through several layers on every call
(~5.5 us). The rule itself is short: the national significant number must fit the
region's general description and at least one number type (fixed line, mobile, toll
free...), each "fit" being a possible length and a full match of the pattern; a calling
code shared by several regions (+1, +44, +7...) first picks its region by leading digits
or by a fitting type. Same metadata, same rule, ~5x faster; tests compare the two on
numbers of every kind.
"""

import re
from functools import lru_cache
from typing import Callable

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

# Any fitting type makes a number valid, so the common types are tried first.
_TYPE_DESCS = (
    "mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "voip",
    "personal_number", "pager", "uan", "voicemail",
)

Fit = Callable[[str], bool]


def is_valid_national_number(country_code: int, national_number: str) -> bool:
    """Same answer as phonenumbers.is_valid_number for this country code and number
    (digits only, no leading zero)."""
    for leading_digits, fits in _regions(country_code):
        if leading_digits is not None:
            if leading_digits.match(national_number):
                return fits(national_number)
        elif fits(national_number):
            return True
    return False


@lru_cache(maxsize=None)
def _regions(country_code: int) -> tuple[tuple[re.Pattern | None, Fit], ...]:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    compiled = []
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        if metadata is None:
            continue
        # One region alone is the answer whatever its leading digits.
        leading = metadata.leading_digits if len(regions) > 1 else None
        compiled.append((None if leading is None else re.compile(leading), _fits_metadata(metadata)))
    return tuple(compiled)


def _fits_metadata(metadata: PhoneMetadata) -> Fit:
    general = _fits_desc(metadata.general_desc)
    types = [fits for fits in (_fits_desc(getattr(metadata, name)) for name in _TYPE_DESCS) if fits]
    if general is None or not types:
        return lambda number: False

    def fits(number: str) -> bool:
        if not general(number):
            return False
        for fits_type in types:
            if fits_type(number):
                return True
        return False

    return fits


def _fits_desc(desc) -> Fit | None:
    if desc is None or not desc.national_number_pattern:
        return None
    lengths = frozenset(desc.possible_length or ())
    pattern = re.compile(desc.national_number_pattern)
    if not lengths:
        return lambda number: pattern.fullmatch(number) is not None
    return lambda number: len(number) in lengths and pattern.fullmatch(number) is not None
