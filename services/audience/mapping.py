"""Step B of UC-CP-06: which source column feeds which contact field."""

import re
import unicodedata
from enum import StrEnum
from itertools import islice
from operator import itemgetter
from typing import Iterable, NamedTuple, Sequence

ColumnMapping = dict[str, int]
"""Field name ({Nom}, {Telephone}, a tenant custom field...) -> index of its source column."""


class Field(StrEnum):
    NOM = "Nom"
    PRENOM = "Prenom"
    TELEPHONE = "Telephone"
    EMAIL = "Email"
    IDENTIFIANT = "Identifiant"


STANDARD_FIELDS: tuple[str, ...] = tuple(Field)

_ALIASES: dict[Field, tuple[str, ...]] = {
    Field.NOM: ("nom", "name", "last_name", "lastname", "surname", "family_name", "nom_de_famille"),
    Field.PRENOM: ("prenom", "prenoms", "first_name", "firstname", "given_name"),
    Field.TELEPHONE: (
        "tel", "telephone", "phone", "phone_number", "mobile", "cell_phone", "cellphone",
        "portable", "gsm", "msisdn", "numero", "num_tel", "numero_telephone", "tel_mobile",
    ),
    Field.EMAIL: ("mail", "email", "e_mail", "courriel", "adresse_email", "adresse_mail"),
    Field.IDENTIFIANT: (
        "id", "client_id", "identifiant", "id_client", "customer_id", "code_client",
        "reference", "ref", "matricule",
    ),
}
_FIELD_BY_ALIAS = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}


def normalize_label(label: str) -> str:
    """'  Téléphone Mobile ' -> 'telephone_mobile': accents, case and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", label)
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", unaccented.lower()).strip("_")


def field_for_label(label: str, custom_fields: Iterable[str] = ()) -> str | None:
    """The field a column name suggests; a tenant's own custom field wins over an alias."""
    normalized = normalize_label(label)
    for custom in custom_fields:
        if normalize_label(custom) == normalized:
            return custom
    return _FIELD_BY_ALIAS.get(normalized)


def suggest_mapping(columns: Sequence[str], custom_fields: Iterable[str] = ()) -> ColumnMapping:
    """First column whose name matches each field; the user reviews it before import."""
    custom_fields = tuple(custom_fields)
    mapping: ColumnMapping = {}
    for index, label in enumerate(columns):
        field = field_for_label(label, custom_fields)
        if field is not None and field not in mapping:
            mapping[field] = index
    return mapping


def validate_mapping(
    mapping: ColumnMapping, columns: Sequence[str], custom_fields: Iterable[str] = ()
) -> list[str]:
    """French messages for the user; an empty list means the mapping can be imported."""
    known = set(STANDARD_FIELDS) | set(custom_fields)
    errors = [f"Champ inconnu : {{{field}}}." for field in mapping if field not in known]
    errors += [
        f"Le champ {{{field}}} pointe vers une colonne inexistante."
        for field, index in mapping.items()
        if not 0 <= index < len(columns)
    ]
    used: dict[int, str] = {}
    for field, index in mapping.items():
        if index in used and 0 <= index < len(columns):
            errors.append(
                f"La colonne « {columns[index]} » est associée à {{{used[index]}}} et à {{{field}}}."
            )
        used.setdefault(index, field)
    if Field.TELEPHONE not in mapping and Field.EMAIL not in mapping:
        errors.append("Associez une colonne à {Telephone} (voix, SMS) ou à {Email} (digital).")
    return errors


def unkept_columns(columns: Sequence[str], mapping: ColumnMapping) -> list[int]:
    """Indexes of the source columns no field reads: their values are not imported."""
    kept = set(mapping.values())
    return [index for index in range(len(columns)) if index not in kept]


def custom_field_name(label: str) -> str:
    """A custom field name for a column the user wants to keep: 'Zone géo.' -> 'Zone_géo'."""
    name = re.sub(r"[^A-Za-zÀ-ÿ0-9]+", "_", label.strip()).strip("_")[:60]
    return name if name[:1].isalpha() else f"Champ_{name}"[:60].rstrip("_")


class MappedRow(NamedTuple):
    nom: str
    prenom: str
    telephone: str
    email: str
    identifiant: str
    extra: dict[str, str]


class RowMapper:
    """Turns a source row into a MappedRow; missing cells read as empty strings."""

    def __init__(self, mapping: ColumnMapping) -> None:
        self.custom_fields = tuple(field for field in mapping if field not in STANDARD_FIELDS)
        # Index -1 lands on the padding, so an unmapped standard field reads as "".
        indexes = [mapping.get(field, -1) for field in STANDARD_FIELDS]
        indexes += [mapping[field] for field in self.custom_fields]
        self._pick = itemgetter(*indexes)
        self._padding = [""] * (max(indexes) + 2)

    def __call__(self, row: list[str]) -> MappedRow:
        values = list(map(str.strip, self._pick(row + self._padding)))
        extra = dict(zip(self.custom_fields, values[5:])) if self.custom_fields else {}
        return MappedRow(values[0], values[1], values[2], values[3], values[4], extra)


def sample_rows(rows: Iterable[list[str]], mapping: ColumnMapping, size: int = 10) -> list[dict[str, str]]:
    """The first rows as the contacts will see them, for the preview of step B."""
    to_mapped = RowMapper(mapping)
    fields = [field for field in mapping if field in STANDARD_FIELDS] + list(to_mapped.custom_fields)
    samples = []
    for row in islice(rows, size):
        mapped = to_mapped(row)
        values = dict(zip(STANDARD_FIELDS, mapped[:5])) | mapped.extra
        samples.append({field: values[field] for field in fields})
    return samples
