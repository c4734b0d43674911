"""Step C of UC-CP-06: format, deduplicate, drop opted-out contacts, and count it all.

Per-row work (ContactCleaner) holds no state; what depends on the rows already seen
(ContactGate: duplicates, blacklist, the summary) runs in file order, so the first
occurrence of a contact is the one kept.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Iterable, Iterator, Mapping, NamedTuple

from services.audience.field_kinds import FieldKind, typed_value
from services.audience.mapping import ColumnMapping, Field, RowMapper
from services.audience.phones import InvalidPhone, PhoneNormalizer

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


class DedupeOn(StrEnum):
    IDENTIFIANT = "identifiant"
    TELEPHONE = "telephone"


class Category(StrEnum):
    ERROR = "erreur"
    DUPLICATE = "doublon"
    BLACKLISTED = "liste_noire"


@dataclass(frozen=True)
class CleaningRules:
    region: str  # the tenant's default region for national numbers, e.g. "CM"
    dedupe_on: DedupeOn = DedupeOn.TELEPHONE
    field_kinds: Mapping[str, str] = field(default_factory=dict)  # custom field -> FieldKind


@dataclass(frozen=True)
class Blacklist:
    """The tenant's opt-outs (UC-DG-04): E.164 phones and lowercased e-mails."""

    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()

    def matches(self, contact: "Contact") -> bool:
        """Either channel opted out blocks the contact: sending to the other would still reach them."""
        return contact.telephone in self.phones or (
            bool(contact.email) and contact.email.lower() in self.emails
        )


class Contact(NamedTuple):
    line: int
    nom: str
    prenom: str
    telephone: str  # E.164, or "" for a contact reached by e-mail only
    email: str
    identifiant: str
    extra: dict[str, str]  # the tenant's custom fields


class Rejection(NamedTuple):
    line: int
    category: Category
    reason: str  # French, for the downloadable report
    cells: list[str]  # the source row as read


@dataclass
class ImportSummary:
    total: int = 0
    errors: int = 0
    duplicates: int = 0
    blacklisted: int = 0
    accepted: int = 0
    email_only: int = 0  # accepted without a phone: for e-mail campaigns only

    def record(self, category: Category | None, phone: str = "") -> None:
        self.total += 1
        if category is None:
            self.accepted += 1
            self.email_only += not phone
        elif category is Category.ERROR:
            self.errors += 1
        elif category is Category.DUPLICATE:
            self.duplicates += 1
        else:
            self.blacklisted += 1


def is_valid_email(text: str) -> bool:
    return len(text) <= 254 and text.find("@") <= 64 and _EMAIL.fullmatch(text) is not None


def check_rules(rules: CleaningRules, mapping: ColumnMapping) -> list[str]:
    """French messages for what the mapping lacks for these rules."""
    if rules.dedupe_on is DedupeOn.IDENTIFIANT and Field.IDENTIFIANT not in mapping:
        return ["Pour dédoublonner sur l'identifiant, associez une colonne à {Identifiant}."]
    return []


class ContactCleaner:
    """One source row -> a Contact, or the French reason it cannot be one."""

    def __init__(self, mapping: ColumnMapping, rules: CleaningRules) -> None:
        self._map = RowMapper(mapping)
        self._to_e164 = PhoneNormalizer(rules.region).to_e164
        self._needs_id = rules.dedupe_on is DedupeOn.IDENTIFIANT
        self._kinds = rules.field_kinds

    def clean(self, line: int, cells: list[str]) -> Contact | str:
        row = self._map(cells)
        problems = []
        phone = ""
        if row.telephone:
            try:
                phone = self._to_e164(row.telephone)
            except InvalidPhone as error:
                problems.append(f"Téléphone : {error.reason}")
        if row.email and not is_valid_email(row.email):
            problems.append("Email : adresse invalide")
        if not (row.telephone or row.email):
            problems.append("Ni téléphone ni email")
        if self._needs_id and not row.identifiant:
            problems.append("Identifiant manquant")
        extra = row.extra
        if self._kinds and extra:
            extra = {}
            for name, value in row.extra.items():
                try:
                    extra[name] = typed_value(self._kinds.get(name, FieldKind.TEXTE), value)
                except ValueError as error:
                    problems.append(f"{name} : {error}")
        if problems:
            return "; ".join(problems)
        return Contact(line, row.nom, row.prenom, phone, row.email, row.identifiant, extra)


class ContactGate:
    """Lets each contact through once, unless opted out; keeps the summary."""

    def __init__(self, rules: CleaningRules, blacklist: Blacklist = Blacklist()) -> None:
        self.summary = ImportSummary()
        self._blacklist = blacklist
        by_id = rules.dedupe_on is DedupeOn.IDENTIFIANT
        self._key = _identifiant_key if by_id else _phone_key
        self._duplicate_reason = (
            "Doublon : même identifiant qu'une ligne précédente" if by_id
            else "Doublon : même téléphone (ou email) qu'une ligne précédente"
        )
        self._seen: set[int | str] = set()

    def settle(self, outcome: Contact | str, line: int, cells: list[str]) -> Contact | Rejection:
        if isinstance(outcome, str):
            verdict = Rejection(line, Category.ERROR, outcome, cells)
        else:
            verdict = self._admit(outcome, cells)
        if type(verdict) is Rejection:
            self.summary.record(verdict.category)
        else:
            self.summary.record(None, verdict.telephone)
        return verdict

    def _admit(self, contact: Contact, cells: list[str]) -> Contact | Rejection:
        if self._blacklist.matches(contact):
            return Rejection(contact.line, Category.BLACKLISTED, "Contact désinscrit (liste noire)", cells)
        key = self._key(contact)
        if key in self._seen:
            return Rejection(contact.line, Category.DUPLICATE, self._duplicate_reason, cells)
        self._seen.add(key)
        return contact


def _identifiant_key(contact: Contact) -> str:
    return contact.identifiant


def _phone_key(contact: Contact) -> int | str:
    if contact.telephone:
        return int(contact.telephone[1:])  # an int takes half the memory of the string
    return contact.email.lower()  # reached by e-mail only


def clean_rows(
    rows: Iterable[tuple[int, list[str]]],
    mapping: ColumnMapping,
    rules: CleaningRules,
    gate: ContactGate | None = None,
) -> Iterator[Contact | Rejection]:
    """Every row, in order, as an accepted Contact or a Rejection; counts go to gate.summary."""
    cleaner = ContactCleaner(mapping, rules)
    gate = gate or ContactGate(rules)
    for line, cells in rows:
        yield gate.settle(cleaner.clean(line, cells), line, cells)
