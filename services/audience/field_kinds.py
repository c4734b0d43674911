"""The type of a tenant's custom field, and how an imported cell is read as that type.

A typed field keeps one spelling of its values (scripts and filters read them the same way
whatever the source file wrote); a cell that is not of the type is a format error of its row.
"""
import re
from datetime import date
from enum import StrEnum


class FieldKind(StrEnum):
    TEXTE = "texte"
    NOMBRE = "nombre"
    DATE = "date"


_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def typed_value(kind: str, text: str) -> str:
    """`text` written the way fields of `kind` keep it; ValueError (French) when it is not one."""
    if not text or kind == FieldKind.TEXTE:
        return text
    if kind == FieldKind.NOMBRE:
        return _number(text)
    if kind == FieldKind.DATE:
        return _date(text)
    raise ValueError(f"type de champ inconnu ({kind})")


def _number(text: str) -> str:
    """'1 234,50' and '1,234.50' -> '1234.50': the last separator is the decimal one."""
    compact = _SPACES.sub("", text)
    last = max(compact.rfind(","), compact.rfind("."))
    if last >= 0:
        compact = compact[:last].replace(",", "").replace(".", "") + "." + compact[last + 1:]
    if not _NUMBER.match(compact):
        raise ValueError(f"nombre attendu (« {text} »)")
    return compact.lstrip("+")


def _date(text: str) -> str:
    """'31/12/2026', '31-12-2026' or '2026-12-31' (Excel) -> '31/12/2026', as French screens show it."""
    if match := _DAY_FIRST.match(text):
        day, month, year = map(int, match.groups())
    elif match := _ISO.match(text):
        year, month, day = map(int, match.groups())
    else:
        raise ValueError(f"date attendue, au format JJ/MM/AAAA (« {text} »)")
    try:
        return date(year, month, day).strftime("%d/%m/%Y")
    except ValueError:
        raise ValueError(f"date impossible (« {text} »)") from None


def parse_kind(value: str) -> FieldKind:
    try:
        return FieldKind(value)
    except ValueError:
        raise ValueError("Type de champ inconnu : Texte, Nombre ou Date.") from None

