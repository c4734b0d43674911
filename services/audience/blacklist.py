"""The tenant's blacklist (UC-DG-04): who asked never to be contacted again.

Messaging and voice call `record_opt_out` when a "STOP", an unsubscribe click or an agent's
disposition arrives, and `is_opted_out` at send time. Entries are keyed by E.164 phone
(national numbers read in the tenant's country) or lowercased e-mail; every change is
written to the audit trail (opt_out_event) in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from sqlalchemy import ARRAY, Integer, Text, bindparam, func, literal, or_
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select

from services.audience.cleaning import Blacklist, is_valid_email
from services.audience.errors import ImportFileError
from services.audience.export import SafeCsvWriter
from services.audience.mapping import Field, suggest_mapping
from services.audience.phones import InvalidPhone, PhoneNormalizer
from services.audience.readers import open_table
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context, tenant_country
from services.models.audience import OptOut, OptOutChannel, OptOutEvent, OptOutSource

IMPORT_BATCH = 5000
EXPORT_HEADER = ("Téléphone", "Email", "Canal", "Source", "Date", "Note")


class BlacklistError(ValueError):
    """A French message for the user."""


@dataclass(frozen=True)
class OptOutKeys:
    phone: str | None
    email: str | None


def _context(ctx_or_tenant: AuthContext | int) -> AuthContext:
    if isinstance(ctx_or_tenant, AuthContext):
        return ctx_or_tenant
    return system_context(ctx_or_tenant)


@lru_cache(maxsize=64)
def _normalizer(region: str) -> PhoneNormalizer:
    return PhoneNormalizer(region)


def normalize_keys(ctx: AuthContext, phone: str | None, email: str | None,
                   region: str | None = None) -> OptOutKeys:
    """E.164 phone and lowercased e-mail; raises BlacklistError with a French reason."""
    e164 = None
    if phone and phone.strip():
        try:
            e164 = _normalizer(region or tenant_country(ctx)).to_e164(phone)
        except InvalidPhone as error:
            raise BlacklistError(f"Téléphone invalide : {error.reason}.") from error
    address = None
    if email and email.strip():
        address = email.strip().lower()
        if not is_valid_email(address):
            raise BlacklistError("Adresse email invalide.")
    if e164 is None and address is None:
        raise BlacklistError("Indiquez un téléphone ou un email.")
    return OptOutKeys(e164, address)


def record_opt_out(ctx_or_tenant: AuthContext | int, phone: str | None = None,
                   email: str | None = None, *, channel: OptOutChannel | str,
                   source: OptOutSource | str, note: str = "") -> int:
    """Blacklist a phone and/or an e-mail; returns how many new entries were made.

    Idempotent: a key already present keeps its first date and source. Callable by every
    channel (a webhook passes the tenant id, a user action its context).
    """
    ctx = _context(ctx_or_tenant)
    keys = normalize_keys(ctx, phone, email)
    channel, source = OptOutChannel(channel).value, OptOutSource(source).value
    with tenant_session(ctx) as session:
        return _add(session, ctx, keys, channel, source, note[:500], "ADD")


def _add(session, ctx: AuthContext, keys: OptOutKeys, channel: str, source: str, note: str,
         action: str) -> int:
    added = 0
    for column, value in (("phone", keys.phone), ("email", keys.email)):
        if value is None:
            continue
        statement = insert(OptOut).values(
            **{column: value}, channel=channel, source=source, note=note,
            created_by=ctx.user_id or None,
        ).on_conflict_do_nothing(index_elements=[column],
                                 index_where=getattr(OptOut, column).is_not(None)).returning(OptOut.id)
        if session.execute(statement).first() is not None:
            added += 1
            session.add(OptOutEvent(action=action, channel=channel, source=source,
                                    user_id=ctx.user_id or None, detail=note,
                                    **{column: value}))
    return added


def is_opted_out(ctx_or_tenant: AuthContext | int, phone: str | None = None,
                 email: str | None = None) -> bool:
    """True when the phone or the e-mail is blacklisted: send nothing on any channel."""
    ctx = _context(ctx_or_tenant)
    conditions = []
    for value, column in ((phone, OptOut.phone), (email, OptOut.email)):
        try:  # each key on its own: an unreadable phone must not hide a listed e-mail
            keys = normalize_keys(ctx, value if column is OptOut.phone else None,
                                  value if column is OptOut.email else None)
        except BlacklistError:
            continue
        conditions.append(column == (keys.phone or keys.email))
    if not conditions:
        return False
    with tenant_session(ctx) as session:
        return session.exec(select(OptOut.id).where(or_(*conditions)).limit(1)).first() is not None


def load_blacklist(ctx: AuthContext) -> Blacklist:
    """The whole list, for the cleaning step of an import."""
    with tenant_session(ctx) as session:
        rows = session.exec(select(OptOut.phone, OptOut.email)).all()
    return Blacklist(phones=frozenset(p for p, _ in rows if p),
                     emails=frozenset(e for _, e in rows if e))


@dataclass(frozen=True)
class OptOutPage:
    entries: list[OptOut]
    total: int


def list_opt_outs(ctx: AuthContext, search: str = "", page: int = 1,
                  per_page: int = 20) -> OptOutPage:
    access_area(ctx, "audience")
    query = select(OptOut)
    text = search.strip().lower()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions = [OptOut.email.like(like)]
        if digits:
            conditions.append(OptOut.phone.like(f"%{digits}%"))
        query = query.where(or_(*conditions))
    with tenant_session(ctx) as session:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        entries = session.exec(query.order_by(OptOut.created_at.desc(), OptOut.id.desc())
                               .offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
    return OptOutPage(list(entries), total)


def add_opt_out(ctx: AuthContext, phone: str = "", email: str = "",
                channel: str = OptOutChannel.TOUS.value, note: str = "") -> int:
    """A manual entry made by an admin or a supervisor."""
    access_area(ctx, "audience")
    added = record_opt_out(ctx, phone or None, email or None, channel=channel,
                           source=OptOutSource.MANUAL, note=note)
    if not added:
        raise BlacklistError("Ce contact est déjà dans la liste noire.")
    return added


def remove_opt_out(ctx: AuthContext, entry_id: int, reason: str = "") -> None:
    """Take an entry off the list (the contact may be reached again); audited."""
    access_area(ctx, "audience")
    with tenant_session(ctx) as session:
        entry = session.get(OptOut, entry_id)
        if entry is None:
            raise BlacklistError("Cette entrée n'existe plus.")
        session.add(OptOutEvent(action="REMOVE", phone=entry.phone, email=entry.email,
                                channel=entry.channel, source=entry.source,
                                user_id=ctx.user_id, detail=reason[:1000]))
        session.delete(entry)


def import_opt_outs(ctx: AuthContext, path: str | Path,
                    channel: str = OptOutChannel.TOUS.value) -> tuple[int, int]:
    """A CSV/XLSX of phones and/or e-mails; returns (added, rejected rows). All or nothing."""
    access_area(ctx, "audience")
    table = open_table(path)
    mapping = suggest_mapping(table.columns)
    phone_col, email_col = mapping.get(Field.TELEPHONE), mapping.get(Field.EMAIL)
    if phone_col is None and email_col is None:
        if len(table.columns) != 1:
            raise ImportFileError("Aucune colonne Téléphone ou Email n'a été reconnue.")
        phone_col = 0
    rejected = 0
    region = tenant_country(ctx)
    found: dict[str, dict[str, None]] = {"phone": {}, "email": {}}  # ordered, deduplicated
    for _, cells in table.rows:
        phone = cells[phone_col] if phone_col is not None and phone_col < len(cells) else ""
        email = cells[email_col] if email_col is not None and email_col < len(cells) else ""
        if phone and "@" in phone and not email:
            phone, email = "", phone  # a single column of addresses
        try:
            keys = normalize_keys(ctx, phone, email, region)
        except BlacklistError:
            rejected += 1
            continue
        for column, value in (("phone", keys.phone), ("email", keys.email)):
            if value is not None:
                found[column][value] = None
    channel = OptOutChannel(channel).value
    added = 0
    with tenant_session(ctx) as session:
        for column, values in found.items():
            values = list(values)
            for start in range(0, len(values), IMPORT_BATCH):
                added += _add_many(session, ctx, column, values[start:start + IMPORT_BATCH],
                                   channel, OptOutSource.IMPORT.value, "IMPORT")
    return added, rejected


def _add_many(session, ctx: AuthContext, column: str, values: list[str], channel: str,
              source: str, action: str) -> int:
    """One statement per batch: the new entries and, for exactly those, their audit rows."""
    keys = core_select(func.unnest(bindparam("keys", values, type_=ARRAY(Text))).label("key")).subquery()
    user = ctx.user_id or None
    new = (insert(OptOut).from_select(
        [column, "channel", "source", "note", "created_by", "created_at"],
        core_select(keys.c.key, literal(channel), literal(source), literal(""),
               literal(user, Integer), func.now()))
        .on_conflict_do_nothing(index_elements=[column],
                                index_where=getattr(OptOut, column).is_not(None))
        .returning(getattr(OptOut, column).label("key")).cte("new"))
    audit = insert(OptOutEvent).from_select(
        ["at", "action", column, "channel", "source", "user_id", "detail"],
        core_select(func.now(), literal(action), new.c.key, literal(channel), literal(source),
               literal(user, Integer), literal(""))).returning(OptOutEvent.id)
    return len(session.execute(audit).all())


def export_opt_outs(ctx: AuthContext, file: TextIO) -> int:
    """The whole list as an escaped CSV (';', UTF-8 with BOM for Excel)."""
    access_area(ctx, "audience")
    writer = SafeCsvWriter(file, EXPORT_HEADER)
    with tenant_session(ctx) as session:
        for entry in session.exec(select(OptOut).order_by(OptOut.id)).yield_per(5000):
            writer.writerow((entry.phone or "", entry.email or "", entry.channel, entry.source,
                             entry.created_at.strftime("%Y-%m-%d %H:%M"), entry.note))
    return writer.rows_written


def opt_out_history(ctx: AuthContext, limit: int = 50) -> list[OptOutEvent]:
    access_area(ctx, "audience")
    with tenant_session(ctx) as session:
        return list(session.exec(select(OptOutEvent).order_by(OptOutEvent.id.desc()).limit(limit)))
