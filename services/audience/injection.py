"""Step D of UC-CP-06, the worker's part: clean the source and COPY the contacts in.

All accepted contacts of one import go into the tenant's `contact` table in ONE transaction,
the list turning "Prête" in that same transaction: a failed or killed job leaves no half
list. They are COPYed into the list's own partition, indexed once at the end
(services.audience.partitions). Progress is written beside it, in short transactions of its own, so the page can show
it (and it survives a reload).
"""
from __future__ import annotations

import json
import logging
import os
import time
from contextlib import ExitStack

from sqlalchemy import select, text, update

from services.audience.blacklist import load_blacklist
from services.audience.cleaning import Contact, ImportSummary, Rejection
from services.audience.errors import ImportFileError
from services.audience.export import RejectedRowsReport
from services.audience.imports import AudienceError, cleaning_rules, imports_dir, open_source
from services.audience.partitions import attach_list_table, create_list_table
from services.audience.pipeline import import_contacts
from services.audience.search import name_keys
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.identity.system import system_context
from services.models.audience import ContactList, ListStatus
from services.models.columns import utcnow

log = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5
_COLUMNS = ("list_id", "line", "nom", "prenom", "telephone", "email", "identifiant", "extra",
            "name_key", "name_key_rev")


class ContactCopier:
    """Streams contacts with PostgreSQL COPY into the list's own table (still unindexed)."""

    def __init__(self, session, list_id: int, stack: ExitStack) -> None:
        table = create_list_table(session, list_id)
        raw = session.connection().connection.driver_connection  # psycopg 3, inside the session's transaction
        cursor = stack.enter_context(raw.cursor())
        self._copy = stack.enter_context(cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN"))
        self._list_id = list_id
        self.rows = 0

    def write(self, batch: list[Contact]) -> None:
        write_row, list_id = self._copy.write_row, self._list_id
        for contact in batch:
            key, key_rev = name_keys(contact.nom, contact.prenom)
            extra = json.dumps(contact.extra, ensure_ascii=False) if contact.extra else "{}"
            write_row((list_id, contact.line, contact.nom, contact.prenom, contact.telephone,
                       contact.email, contact.identifiant, extra, key, key_rev))
        self.rows += len(batch)


class Progress:
    """Rows seen so far, written to the list at most every PROGRESS_EVERY_SECONDS."""

    def __init__(self, ctx: AuthContext, list_id: int) -> None:
        self._ctx, self._list_id = ctx, list_id
        self.rows = 0
        self._last = time.monotonic()

    def add(self, count: int) -> None:
        self.rows += count
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY_SECONDS:
            self._last = now
            with tenant_session(self._ctx) as session:
                session.exec(update(ContactList).where(ContactList.id == self._list_id)
                             .values(processed_rows=self.rows, heartbeat_at=utcnow()))


def run_contact_import(tenant_id: int, list_id: int, user_id: int | None) -> ImportSummary | None:
    """The import job: fill list `list_id` of the tenant, or mark it failed with the reason."""
    ctx = system_context(tenant_id, user_id)
    with tenant_session(ctx) as session:
        contact_list = session.get(ContactList, list_id)
    if contact_list is None or contact_list.status != ListStatus.EN_COURS.value:
        return None  # deleted meanwhile, or a redelivered message for a finished job
    try:
        summary = _inject(ctx, contact_list)
    except _AlreadyRunning:
        return None  # a redelivered message while the first run still holds the list
    except (ImportFileError, AudienceError, ValueError) as error:
        _fail(ctx, list_id, getattr(error, "message", None) or str(error))
        return None
    except Exception:
        log.exception("contact import %s of tenant %s failed", list_id, tenant_id)
        _fail(ctx, list_id, "Erreur interne pendant l'import : aucun contact n'a été ajouté. "
                            "Réessayez ou contactez le support.")
        raise
    return summary


def _inject(ctx: AuthContext, contact_list: ContactList) -> ImportSummary:
    rules = cleaning_rules(ctx, contact_list.dedupe_on)
    blacklist = load_blacklist(ctx)
    progress = Progress(ctx, contact_list.id)
    final = imports_dir(ctx) / f"liste-{contact_list.id}.rejets.csv"
    partial = final.with_suffix(".part")
    with ExitStack() as stack:
        table = stack.enter_context(open_source(ctx, contact_list.source))
        session = stack.enter_context(tenant_session(ctx))
        if not _claim(session, ctx, contact_list.id):
            raise _AlreadyRunning()
        out = stack.enter_context(open(partial, "w", encoding="utf-8-sig", newline=""))
        report = RejectedRowsReport(out, table.columns)
        with ExitStack() as copy_stack:
            copier = ContactCopier(session, contact_list.id, copy_stack)

            def on_batch(batch: list[Contact]) -> None:
                copier.write(batch)
                progress.add(len(batch))

            def on_rejected(rejection: Rejection) -> None:
                report.write(rejection)
                progress.rows += 1

            summary = import_contacts(table, contact_list.mapping, rules, blacklist,
                                      on_batch=on_batch, on_rejected=on_rejected)
        attach_list_table(session, contact_list.id)
        session.exec(update(ContactList).where(ContactList.id == contact_list.id).values(
            status=ListStatus.PRETE.value, processed_rows=summary.total, expected_rows=summary.total,
            total=summary.total, errors=summary.errors, duplicates=summary.duplicates,
            blacklisted=summary.blacklisted, accepted=summary.accepted,
            finished_at=utcnow(), heartbeat_at=utcnow()))
        out.flush()
        os.replace(partial, final)
    return summary


class _AlreadyRunning(Exception):
    pass


def _claim(session, ctx: AuthContext, list_id: int) -> bool:
    """One run per list: a transaction-scoped advisory lock, then the status read again."""
    locked = session.execute(text("SELECT pg_try_advisory_xact_lock(:t, :l)"),
                             {"t": ctx.tenant_id, "l": list_id}).scalar()
    if not locked:
        return False
    status = session.execute(select(ContactList.status).where(ContactList.id == list_id)).scalar()
    return status == ListStatus.EN_COURS.value


def _fail(ctx: AuthContext, list_id: int, reason: str) -> None:
    imports_dir(ctx).joinpath(f"liste-{list_id}.rejets.part").unlink(missing_ok=True)
    with tenant_session(ctx) as session:
        session.exec(update(ContactList).where(ContactList.id == list_id).values(
            status=ListStatus.ECHEC.value, failure_reason=reason[:2000], finished_at=utcnow()))
