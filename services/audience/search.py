"""Find a contact instantly among a million (UC-CP-06 post-condition "Indexation").

Agents and supervisors type a phone in any format, a name or an e-mail. A phone is read in
the tenant's country and looked up in E.164; partial digits, names and e-mails are prefix
searches. Every branch is one btree index range scan (see migration t0003).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from sqlalchemy import func, or_
from sqlmodel import select

from services.audience.phones import InvalidPhone, PhoneNormalizer
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import tenant_country
from services.models.audience import ContactList, ContactRecord

_PHONE_LIKE = re.compile(r"^[\d\s+().\-/]+$")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lowercase, accents off, single spaces: 'Hélène  MÜLLER' -> 'helene muller'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", plain.lower()).strip()


def name_keys(nom: str, prenom: str) -> tuple[str, str]:
    """("nom prenom", "prenom nom"), folded: a search by either name order is a prefix."""
    nom, prenom = fold(nom), fold(prenom)
    return f"{nom} {prenom}".strip(), f"{prenom} {nom}".strip()


@dataclass(frozen=True)
class ContactHit:
    id: int
    nom: str
    prenom: str
    telephone: str
    email: str
    identifiant: str
    list_name: str


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _condition(ctx: AuthContext, query: str):
    if "@" in query:
        return func.lower(ContactRecord.email).like(_escape_like(query.lower()) + "%"), \
            ContactRecord.email != ""
    if _PHONE_LIKE.match(query) and sum(ch.isdigit() for ch in query) >= 3:
        try:
            e164 = PhoneNormalizer(tenant_country(ctx)).to_e164(query)
            return ContactRecord.telephone == e164, ContactRecord.telephone != ""
        except InvalidPhone:
            digits = "".join(ch for ch in query if ch.isdigit())
            prefix = "+" + digits if query.lstrip().startswith(("+", "00")) else None
            if prefix and query.lstrip().startswith("00"):
                prefix = "+" + digits[2:]
            if prefix is None:  # a national number being typed: +<country code><digits>
                code = phonenumbers.country_code_for_region(tenant_country(ctx))
                prefix = f"+{code}{digits.lstrip('0')}"
            return ContactRecord.telephone.like(_escape_like(prefix) + "%"), \
                ContactRecord.telephone != ""
    key = _escape_like(fold(query)) + "%"
    return or_(ContactRecord.name_key.like(key), ContactRecord.name_key_rev.like(key)), None


def find_contacts(ctx: AuthContext, query: str, limit: int = 20) -> list[ContactHit]:
    """At most `limit` contacts matching a phone, a name or an e-mail; [] for < 2 characters."""
    access_area(ctx, "contacts")
    query = query.strip()[:200]
    if len(query) < 2:
        return []
    condition, partial = _condition(ctx, query)
    statement = (select(ContactRecord, ContactList.name)
                 .join(ContactList, ContactList.id == ContactRecord.list_id)
                 .where(condition, ContactList.status == "PRETE")
                 .limit(limit))
    if partial is not None:
        statement = statement.where(partial)
    with tenant_session(ctx) as session:
        # A prefix LIKE needs its constant to use the index: never a generic plan (psycopg
        # prepares a statement run 5 times, and PostgreSQL may then plan it without values).
        session.connection().exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = session.exec(statement).all()
    return [ContactHit(c.id, c.nom, c.prenom, c.telephone, c.email, c.identifiant, name)
            for c, name in rows]
