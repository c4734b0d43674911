"""Phone numbers to E.164 (UC-CP-06 step C.1), validated with phonenumbers' metadata.

parse + is_valid_number cost ~16 us a number, most of it generic string handling and
metadata look-ups. The fast path takes only the plain shapes a contact file is made of
("+237 6 71 23 45 67", "06.12.34.56.78"), derives exactly what parse would (country code
and national number) and validates it with phonenumbers' own rule, compiled once
(phone_validity). Any other shape, and every number found invalid, goes through
phonenumbers.parse, which also words the reason. Tests compare both paths.
"""

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber, ValidationResult
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, UNKNOWN_REGION

from services.audience.phone_validity import is_valid_national_number

_SEPARATORS = str.maketrans("", "", " .-()/\u00a0\t")
_MAX_E164_CHARS = 16  # "+" and at most 15 digits

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "indicatif pays inconnu",
    NumberParseException.NOT_A_NUMBER: "ce n'est pas un numéro de téléphone",
    NumberParseException.TOO_SHORT_AFTER_IDD: "numéro trop court",
    NumberParseException.TOO_SHORT_NSN: "numéro trop court",
    NumberParseException.TOO_LONG: "numéro trop long",
}
_LENGTH_REASONS = {
    ValidationResult.TOO_SHORT: "numéro trop court",
    ValidationResult.TOO_LONG: "numéro trop long",
    ValidationResult.INVALID_LENGTH: "nombre de chiffres incorrect",
    ValidationResult.INVALID_COUNTRY_CODE: "indicatif pays inconnu",
}


class InvalidPhone(ValueError):
    """`reason` is French, for the rejected-rows report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PhoneNormalizer:
    """Formats numbers to E.164, reading national numbers in the tenant's default region."""

    def __init__(self, region: str) -> None:
        self.region = region.upper()
        metadata = PhoneMetadata.metadata_for_region(self.region)
        if metadata is None:
            raise ValueError(f"unknown phone region {region!r}")
        self._country_code = metadata.country_code
        self._country_prefix = str(metadata.country_code)
        self._idd = re.compile(metadata.international_prefix or r"(?!)")
        self._national_prefix = _NationalPrefix.of(metadata.country_code, self.region)

    def to_e164(self, raw: str) -> str:
        """'+237 6 71 23 45 67' or '671234567' (region CM) -> '+237671234567'; raises InvalidPhone."""
        digits = raw if raw.isdigit() else raw.translate(_SEPARATORS)
        plain = digits.isascii() and len(digits) <= _MAX_E164_CHARS
        number = self._fast_number(digits) if plain else None
        if number is not None and is_valid_national_number(*number):
            return f"+{number[0]}{number[1]}"
        return self._parsed_e164(raw)

    def _fast_number(self, digits: str) -> tuple[int, str] | None:
        """(country code, national number) as parse would read them, or None when unsure."""
        if digits[:1] == "+":
            return _international(digits[1:])
        if not digits.isdigit() or self._idd.match(digits) or digits.startswith(self._country_prefix):
            return None  # parse would look for a country code in it
        return _number(self._country_code, self._national_prefix.strip(digits))

    def _parsed_e164(self, raw: str) -> str:
        if not raw.strip():
            raise InvalidPhone("numéro manquant")
        if "E+" in raw.upper():
            raise InvalidPhone("numéro abîmé par Excel (format scientifique) : mettez la colonne au format texte")
        try:
            number = phonenumbers.parse(raw, self.region)
        except NumberParseException as error:
            raise InvalidPhone(_PARSE_REASONS.get(error.error_type, "numéro illisible")) from error
        if not phonenumbers.is_valid_number(number):
            raise InvalidPhone(_invalid_reason(number))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class _NationalPrefix:
    """The national prefix ("0" in France) parse strips from a region's numbers."""

    def __init__(self, metadata: PhoneMetadata | None) -> None:
        pattern = metadata.national_prefix_for_parsing if metadata else None
        self._matches = re.compile(pattern).match if pattern else None
        plain = pattern and not metadata.national_prefix_transform_rule and pattern.isdigit()
        self._plain = pattern if plain else None

    @staticmethod
    @lru_cache(maxsize=None)
    def of(country_code: int, region: str) -> "_NationalPrefix":
        return _NationalPrefix(PhoneMetadata.metadata_for_region_or_calling_code(country_code, region))

    def strip(self, digits: str) -> str | None:
        """The national number parse keeps, or None when only parse's own rules can tell."""
        if self._matches is None or not self._matches(digits):
            return digits
        if self._plain is not None:
            # parse strips it too: the rest is valid, so it is viable
            return digits[len(self._plain):]
        return None


def _international(digits: str) -> tuple[int, str] | None:
    if not digits.isdigit():
        return None
    for length in (1, 2, 3):
        country_code = int(digits[:length])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            region = phonenumbers.region_code_for_country_code(country_code)
            return _number(country_code, _NationalPrefix.of(country_code, region).strip(digits[length:]))
    return None


def _number(country_code: int, national: str | None) -> tuple[int, str] | None:
    if not national or national[0] == "0":
        return None  # a leading zero needs parse's italian_leading_zero handling
    return country_code, national


def _invalid_reason(number: PhoneNumber) -> str:
    length = phonenumbers.is_possible_number_with_reason(number)
    if length in _LENGTH_REASONS:
        return _LENGTH_REASONS[length]
    region = phonenumbers.region_code_for_number(number)
    if region in (None, UNKNOWN_REGION):
        return f"numéro inexistant pour l'indicatif +{number.country_code}"
    return f"numéro invalide pour la région {region} (+{number.country_code})"
