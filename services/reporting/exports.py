"""Exports of a campaign's data (UC-CP-06): the user picks the columns (form answers too),
CSV or XLSX; a worker writes the file and its progress; the link serves it to its tenant only.

- CSV: PostgreSQL writes it (COPY ... TO STDOUT, FORMAT csv) and the worker streams the
  chunks to the file — a million rows in seconds with a flat memory; UTF-8 with a BOM and
  ';' so Excel opens it with its accents.
- XLSX: openpyxl's write-only workbook fed from a server-side cursor (Excel holds at most
  1,048,576 rows).
- Every cell that starts with = + - @ or a tab / carriage return / line feed gets a
  leading quote (CSV injection, as services.audience.export does), done in SQL so both
  formats and any number of rows get it.
"""
from __future__ import annotations

import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import psycopg
from openpyxl import Workbook
from psycopg import pq
from sqlalchemy import case, func, literal, select, update
from sqlmodel import Session

from services.db.engine import get_engine
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, utcnow
from services.models.reporting import ExportState, ReportExport
from services.reporting.journal import JournalError, JournalFilter, chosen, rows_query
from services.reporting.scope import T, report_scope
from services.settings import get_settings

FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # one line is the header
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
PROGRESS_EVERY_SECONDS = 1.0
PROGRESS_EVERY_ROWS = 20_000  # the clock is read once per so many rows
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
BOM = "\ufeff".encode()


class ExportError(ValueError):
    pass


def escaped(expr):
    """The cell's text, with a leading quote when a spreadsheet would read a formula (the
    first character's code compared as integers: a million rows' cells cost less)."""
    return case((func.ascii(expr).in_([ord(c) for c in FORMULA_TRIGGERS]),
                 func.concat(literal("'"), expr)), else_=expr)


def exports_dir(schema: str) -> Path:
    folder = get_settings().data_dir / "exports" / schema
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_stem(title: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return (re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "campagne")[:60]


def record_export(ctx: AuthContext, campaign_id: int | None, keys: list[str], fmt: str,
                  filters: JournalFilter = JournalFilter()) -> ReportExport:
    """Check the request and record it "En attente" (the worker takes it from there);
    `campaign_id` None exports every campaign of the tenant."""
    if fmt not in FORMATS:
        raise ExportError("Format inconnu : choisissez CSV ou Excel.")
    with report_scope(ctx, campaign_id) as (session, scope):
        try:
            chosen(scope, keys)
        except JournalError as exc:
            raise ExportError(str(exc)) from exc
        export = ReportExport(token=secrets.token_urlsafe(24), campaign_id=campaign_id,
                              requested_by=ctx.user_id, format=fmt, columns=list(keys),
                              filters=filters.as_dict(),
                              file_name=f"{file_stem(scope.title)}-{utcnow():%Y%m%d-%H%M}.{fmt}")
        session.add(export)
        session.flush()
        return export


def start_export(ctx: AuthContext, campaign_id: int | None, keys: list[str], fmt: str,
                 filters: JournalFilter = JournalFilter()) -> ReportExport:
    export = record_export(ctx, campaign_id, keys, fmt, filters)
    from services.workers.reporting import export_campaign_data

    export_campaign_data.send(ctx.tenant_id, ctx.user_id, export.id)
    return export


@dataclass
class _Progress:
    ctx: AuthContext
    export_id: int
    total: int
    written: int = 0
    _last: float = 0.0

    def advance(self, rows: int, force: bool = False) -> None:
        self.written = min(self.total, self.written + rows)
        now = time.monotonic()
        if force or now - self._last >= PROGRESS_EVERY_SECONDS:
            self._last = now
            _set(self.ctx, self.export_id, rows_written=self.written)


def _set(ctx: AuthContext, export_id: int, **values) -> None:
    with tenant_session(ctx) as session:
        session.execute(update(ReportExport.__table__)
                        .where(ReportExport.__table__.c.id == export_id).values(**values))


def run_export(tenant_id: int, user_id: int | None, export_id: int) -> ReportExport | None:
    """The worker's side: write the file as the user who asked, moving the progress on."""
    ctx = system_context(tenant_id, user_id)
    with tenant_session(ctx) as session:
        export = session.get(ReportExport, export_id)
    if export is None or export.state != ExportState.EN_ATTENTE.value:
        return None
    path = exports_dir(ctx.tenant_schema) / f"{export.token}.{export.format}"
    try:
        with report_scope(ctx, export.campaign_id) as (session, scope):
            filters = JournalFilter.from_dict(export.filters)
            columns = chosen(scope, export.columns)
            total = session.execute(select(func.count()).select_from(T)
                                    .where(filters.where(scope))).scalar()
            if export.format == "xlsx" and total > XLSX_MAX_ROWS:
                raise ExportError("Trop de lignes pour Excel : choisissez le format CSV.")
            _set(ctx, export_id, state=ExportState.EN_COURS.value, rows_total=total)
            query = rows_query(scope, [c for c in columns], filters, sort="date",
                               descending=False, with_id=False, cell=escaped)
            progress = _Progress(ctx, export_id, total)
            header = [c.label for c in columns]
            write = _write_csv if export.format == "csv" else _write_xlsx
            write(session, ctx.tenant_schema, query, header, path, progress)
        _set(ctx, export_id, state=ExportState.PRET.value, rows_written=total,
             finished_at=utcnow())
    except (ExportError, JournalError) as exc:
        path.unlink(missing_ok=True)
        _set(ctx, export_id, state=ExportState.ECHEC.value, error=str(exc)[:500],
             finished_at=utcnow())
    except BaseException:
        path.unlink(missing_ok=True)
        _set(ctx, export_id, state=ExportState.ECHEC.value,
             error="L'export a échoué ; relancez-le.", finished_at=utcnow())
        raise
    with tenant_session(ctx) as session:
        return session.get(ReportExport, export_id)


def _csv_header(labels: list[str]) -> bytes:
    cells = ['"' + (("'" + x) if x[:1] in FORMULA_TRIGGERS else x).replace('"', '""') + '"'
             for x in labels]
    return BOM + (";".join(cells) + "\n").encode()


def _write_csv(session: Session, schema: str, query, header, path: Path, progress) -> None:
    engine = get_engine()
    compiled = query.compile(dialect=engine.dialect,
                             schema_translate_map={TENANT_SCHEMA_PLACEHOLDER: schema},
                             render_schema_translate=True,
                             compile_kwargs={"render_postcompile": True})
    sql = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', FORCE_QUOTE *)"
    raw = session.connection().connection.driver_connection  # psycopg's own connection
    with path.open("wb") as out, raw.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")  # sort the rows in memory, not on disk
        out.write(_csv_header(header))
        with cursor.copy(sql, compiled.params) as copy:
            _stream_copy(raw.pgconn, copy, out, progress)


def _stream_copy(pgconn, copy, out, progress) -> None:
    """Append COPY's rows to `out`. PostgreSQL sends one message per row: the messages libpq
    already holds are taken straight from it (psycopg's own read() costs a generator per
    row, a second per million rows); psycopg waits on the socket when libpq holds none."""
    rows = 0
    while True:
        size, data = pgconn.get_copy_data(1)  # 1: never blocks
        if size == 0:  # nothing buffered: psycopg waits; b"" once the COPY is over
            data = copy.read()
            if not data:
                break
        elif size < 0:  # the end, seen by us: its result is ours to read
            _end_of_copy(pgconn)
            break
        out.write(data)
        rows += 1
        if rows == PROGRESS_EVERY_ROWS:
            progress.advance(rows)
            rows = 0
    progress.advance(rows, force=True)


def _end_of_copy(pgconn) -> None:
    result = pgconn.get_result()
    while pgconn.get_result() is not None:  # libpq's results end with None
        pass
    if result is None or result.status != pq.ExecStatus.COMMAND_OK:
        message = result.error_message.decode(errors="replace") if result else ""
        raise psycopg.DatabaseError(message or "COPY interrompu")


def _write_xlsx(session: Session, schema: str, query, header, path: Path, progress) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Données")
    sheet.append(header)
    result = session.execute(query.execution_options(yield_per=2000))
    for rows in result.partitions():
        for row in rows:
            sheet.append(list(row))
        progress.advance(len(rows))
    book.save(path)


def export_status(ctx: AuthContext, token: str) -> ReportExport | None:
    """The export of this link in the caller's own tenant (another tenant's: None)."""
    access_area(ctx, "campaigns")
    if not _TOKEN.match(token or ""):
        return None
    with tenant_session(ctx) as session:
        return session.exec(select(ReportExport).where(ReportExport.token == token)
                            ).scalars().first()


def export_file(ctx: AuthContext, token: str) -> tuple[Path, str] | None:
    """(path, download name) of a finished export of the caller's tenant, else None."""
    export = export_status(ctx, token)
    if export is None or export.state != ExportState.PRET.value:
        return None
    path = exports_dir(ctx.tenant_schema) / f"{export.token}.{export.format}"
    return (path, export.file_name) if path.exists() else None


__all__ = ["ExportError", "FORMATS", "export_file", "export_status", "record_export",
           "run_export", "start_export"]
