import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat

from services.audience.phone_validity import is_valid_national_number
from services.audience.phones import InvalidPhone, PhoneNormalizer


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("6 71 23 45 67", "CM", "+237671234567"),
        ("671234567", "CM", "+237671234567"),
        ("671.234.567", "CM", "+237671234567"),
        ("222 23 45 67", "CM", "+237222234567"),
        ("00237 671 23 45 67", "CM", "+237671234567"),
        ("237671234567", "CM", "+237671234567"),
        ("0612345678", "FR", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("01-42-68-53-00", "FR", "+33142685300"),
        ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
        ("'0612345678", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "CM", "+33612345678"),
        ("+1 (212) 456-7890", "CM", "+12124567890"),
        ("+44 7400 123456", "FR", "+447400123456"),
        ("+39 06 6988 1234", "FR", "+390669881234"),
        ("+225 07 08 09 10 11", "CM", "+2250708091011"),
    ],
)
def test_numbers_come_out_in_e164(raw, region, e164):
    assert PhoneNormalizer(region).to_e164(raw) == e164


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "numéro manquant"),
        ("12345", "numéro trop court"),
        ("6 71 23", "numéro trop court"),
        ("671 234 567 890 123 456 789", "numéro trop long"),
        ("pas de numéro", "ce n'est pas un numéro de téléphone"),
        ("+999 123456789", "indicatif pays inconnu"),
        ("123456789", "numéro invalide pour la région CM (+237)"),
        ("6,71E+08", "format scientifique"),
    ],
)
def test_rejected_numbers_say_why_in_french(raw, reason):
    with pytest.raises(InvalidPhone) as caught:
        PhoneNormalizer("CM").to_e164(raw)

    assert reason in caught.value.reason


def test_french_national_number_is_invalid_in_cameroon():
    with pytest.raises(InvalidPhone):
        PhoneNormalizer("CM").to_e164("0612345678")


def test_unknown_region_is_a_programming_error():
    with pytest.raises(ValueError):
        PhoneNormalizer("XX")


def _library_e164(raw, region):
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _variants(rnd, region):
    """Raw strings as contact files write them: valid examples, then slightly wrong ones."""
    other = rnd.choice(sorted(phonenumbers.SUPPORTED_REGIONS))
    example = phonenumbers.example_number_for_type(rnd.choice([region, other]), rnd.choice([0, 1]))
    if example is None:
        return []
    code, national = example.country_code, phonenumbers.national_significant_number(example)
    if rnd.random() < 0.5:
        national = national[:-2] + f"{rnd.randrange(100):02d}"
    national = national[: rnd.choice([len(national), len(national) - 1, len(national) + 1])] or "1"
    formatted = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
    return [f"+{code} {national}", f"+{code} 0{national}", f"00{code}{national}", f"{code}{national}",
            f"0{national}", national, formatted]


@pytest.mark.parametrize("region", ["CM", "FR", "CI", "SN", "US", "GB", "IT", "BR", "AR", "DE", "MA"])
def test_fast_path_agrees_with_phonenumbers_parse(region):
    rnd = random.Random(region)
    normalizer = PhoneNormalizer(region)
    raws = [raw for _ in range(300) for raw in _variants(rnd, region)]

    for raw in raws:
        try:
            mine = normalizer.to_e164(raw)
        except InvalidPhone:
            mine = None
        assert mine == _library_e164(raw, region), raw


def _numbers_of_every_kind():
    """Each region's example numbers of every type, and random numbers for every country code."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for number_type in range(12):
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is not None and not example.italian_leading_zero:
                yield example.country_code, str(example.national_number)
    rnd = random.Random(2024)
    for country_code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        for _ in range(40):
            yield country_code, str(rnd.randrange(1, 10)) + str(rnd.randrange(10 ** rnd.randrange(3, 12)))


def test_compiled_validity_rule_agrees_with_is_valid_number():
    valid = 0
    for country_code, national in _numbers_of_every_kind():
        number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(national))
        expected = phonenumbers.is_valid_number(number)
        assert is_valid_national_number(country_code, national) == expected, (country_code, national)
        valid += expected

    assert valid > 1000  # the comparison covers valid numbers, not only rejections
