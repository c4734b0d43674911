"""UC-CP-06 as the product runs it: sources, preview, the import job, its lists.

    upload_id = store_upload(ctx, stream)                     # A: a file...
    source_id = save_database_source(ctx, url, login, ...)    # ...or a remote database
    preview = inspect_source(ctx, source)                     # columns, separator, mapping
    result = preview_contact_import(ctx, source, mapping, dedupe_on)   # C/D: the counts
    contact_list = start_contact_import(ctx, name, source, mapping, dedupe_on, expected)
    # the worker: run_contact_import(tenant_id, list_id, user_id) -> copier.py

A source is a small dict stored with the list so the worker can reopen it:
{"kind": "file", "upload": "<hex>", "delimiter": ";"|None, "has_header": bool|None} or
{"kind": "database", "source_id": 3}.
"""
from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Iterator

from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from services.audience.blacklist import import_opt_outs, load_blacklist
from services.audience.cleaning import CleaningRules, DedupeOn, ImportSummary, check_rules
from services.audience.credentials import seal, unseal
from services.audience.errors import ImportFileError
from services.audience.export import RejectedRowsReport
from services.audience.field_kinds import FieldKind, parse_kind
from services.audience.mapping import STANDARD_FIELDS, suggest_mapping, validate_mapping
from services.audience.partitions import drop_list_table
from services.audience.pipeline import import_contacts
from services.audience.readers import Table, open_table
from services.audience.remote import RemoteSpec, open_remote_table, public_url
from services.audience.sniffing import DELIMITERS, sniff_csv
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import tenant_country
from services.models.audience import ContactList, CustomField, DatabaseSource, ListStatus
from services.settings import get_settings

MAX_UPLOAD_BYTES = 300 * 1024 * 1024
SAMPLE_SIZE = 10
_HEX = re.compile(r"^[0-9a-f]{32}$")


class AudienceError(ValueError):
    """A French message for the user."""


def imports_dir(ctx: AuthContext) -> Path:
    folder = get_settings().data_dir / "tenants" / ctx.tenant_slug / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_path(ctx: AuthContext, upload_id: str) -> Path:
    if not _HEX.match(upload_id or ""):
        raise AudienceError("Fichier inconnu : déposez-le à nouveau.")
    path = imports_dir(ctx) / f"{upload_id}.upload"
    if not path.exists():
        raise AudienceError("Fichier inconnu : déposez-le à nouveau.")
    return path


def report_path(ctx: AuthContext, report_id: str) -> Path | None:
    """The rejected-rows report of a preview (hex id) or of a list ("liste-<id>")."""
    if not (_HEX.match(report_id) or re.match(r"^liste-\d{1,10}$", report_id)):
        return None
    path = imports_dir(ctx) / f"{report_id}.rejets.csv"
    return path if path.exists() else None


# --- step A: sources -------------------------------------------------------------------

def store_upload(ctx: AuthContext, stream: BinaryIO, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Copy an uploaded file under the tenant's folder with a generated name; its id."""
    access_area(ctx, "audience")
    upload_id = uuid.uuid4().hex
    path = imports_dir(ctx) / f"{upload_id}.upload"
    written = 0
    with open(path, "wb") as out:
        while chunk := stream.read(1024 * 1024):
            written += len(chunk)
            if written > max_bytes:
                out.close()
                path.unlink()
                raise AudienceError(f"Le fichier dépasse {max_bytes // 2**20} Mo : "
                                    "découpez-le ou utilisez le connecteur de base de données.")
            out.write(chunk)
    if written == 0:
        path.unlink()
        raise ImportFileError("Le fichier est vide.")
    return upload_id


def save_database_source(ctx: AuthContext, url: str, username: str, password: str,
                         table: str = "", query: str = "") -> int:
    """Check that the remote table or SELECT can be read, then keep it (credentials sealed)."""
    access_area(ctx, "audience")
    spec = RemoteSpec(url.strip(), username.strip(), password, table.strip(), query.strip())
    with open_remote_table(spec, limit=1) as remote:
        next(iter(remote.rows))  # reads the first row: the query runs and returns something
    source = DatabaseSource(url=public_url(spec.url)[:500],
                            credentials=seal({"username": spec.username, "password": spec.password}),
                            table_name=spec.table[:200], query=spec.query[:10_000],
                            created_by=ctx.user_id)
    with tenant_session(ctx) as session:
        session.add(source)
    return source.id


def _remote_spec(ctx: AuthContext, source_id: int) -> RemoteSpec:
    with tenant_session(ctx) as session:
        source = session.get(DatabaseSource, int(source_id))
    if source is None:
        raise AudienceError("Source de données inconnue.")
    secret = unseal(source.credentials)
    return RemoteSpec(source.url, secret["username"], secret["password"], source.table_name, source.query)


@contextmanager
def open_source(ctx: AuthContext, source: dict, limit: int | None = None) -> Iterator[Table]:
    """The table of a file upload or of a remote database, as the pipeline reads it
    (`limit`: only the first rows of a database, for a preview)."""
    if source.get("kind") == "database":
        with open_remote_table(_remote_spec(ctx, source.get("source_id", 0)), limit=limit) as table:
            yield table
        return
    path = upload_path(ctx, str(source.get("upload", "")))
    delimiter = source.get("delimiter") or None
    layout = None
    if delimiter is not None:
        if delimiter not in DELIMITERS:
            raise AudienceError("Séparateur inconnu.")
        with open(path, "rb") as file:
            is_xlsx = file.read(4) == b"PK\x03\x04"
        layout = None if is_xlsx else replace(sniff_csv(path), delimiter=delimiter, confident=True)
    yield open_table(path, layout=layout, has_header=source.get("has_header"))


@dataclass(frozen=True)
class SourcePreview:
    kind: str  # csv, xlsx, database
    columns: list[str]
    sample: list[list[str]]
    suggested: dict[str, int]
    encoding: str = ""
    delimiter: str = ""
    confident: bool = True
    has_header: bool = True


def inspect_source(ctx: AuthContext, source: dict) -> SourcePreview:
    """What step B shows: columns, a few raw rows, the suggested mapping, the CSV layout."""
    access_area(ctx, "audience")
    custom = custom_field_names(ctx)
    with open_source(ctx, source, limit=SAMPLE_SIZE) as table:
        sample = [cells for _, cells in islice(table.rows, SAMPLE_SIZE)]
        layout = table.layout
    return SourcePreview(
        kind=table.kind, columns=table.columns, sample=sample,
        suggested=suggest_mapping(table.columns, custom),
        encoding=layout.encoding if layout else "", delimiter=layout.delimiter if layout else "",
        confident=layout.confident if layout else True,
        has_header=layout.has_header if layout else True)


def inspect_upload(ctx: AuthContext, stream: BinaryIO) -> tuple[dict, SourcePreview]:
    """Step A of the wizard for a file: store it, then read its columns. A file refused
    here is not kept."""
    source = {"kind": "file", "upload": store_upload(ctx, stream)}
    try:
        return source, inspect_source(ctx, source)
    except BaseException:
        discard_upload(ctx, source["upload"])
        raise


def import_opt_outs_upload(ctx: AuthContext, stream: BinaryIO) -> tuple[int, int]:
    """The blacklist's file import: (added, rejected rows); the file is not kept."""
    upload_id = store_upload(ctx, stream)
    try:
        return import_opt_outs(ctx, upload_path(ctx, upload_id))
    finally:
        discard_upload(ctx, upload_id)


def discard_upload(ctx: AuthContext, upload_id: str) -> None:
    if _HEX.match(upload_id or ""):
        (imports_dir(ctx) / f"{upload_id}.upload").unlink(missing_ok=True)


# --- steps B-D ---------------------------------------------------------------------------

def cleaning_rules(ctx: AuthContext, dedupe_on: str) -> CleaningRules:
    """The tenant's rules for an import: its country, the dedupe key, its typed custom fields."""
    try:
        return CleaningRules(tenant_country(ctx), DedupeOn(dedupe_on), custom_field_kinds(ctx))
    except ValueError as error:
        raise AudienceError("Règle de dédoublonnage inconnue.") from error


def _checked_rules(ctx: AuthContext, columns: list[str], mapping: dict[str, int],
                   dedupe_on: str) -> CleaningRules:
    rules = cleaning_rules(ctx, dedupe_on)
    problems = validate_mapping(mapping, columns, rules.field_kinds) + check_rules(rules, mapping)
    if problems:
        raise AudienceError(" ".join(problems))
    return rules


def mapping_problems(ctx: AuthContext, columns: list[str], mapping: dict[str, int],
                     dedupe_on: str = DedupeOn.TELEPHONE.value) -> list[str]:
    """What step B must fix before going on (French), [] when the mapping can be imported."""
    access_area(ctx, "audience")
    try:
        _checked_rules(ctx, columns, mapping, dedupe_on)
    except AudienceError as error:
        return [str(error)]
    return []


@dataclass(frozen=True)
class ImportPreview:
    summary: ImportSummary
    report_id: str


def preview_contact_import(ctx: AuthContext, source: dict, mapping: dict[str, int],
                           dedupe_on: str = DedupeOn.TELEPHONE.value) -> ImportPreview:
    """Step D's summary, counted over the whole source, and its rejected-rows report."""
    access_area(ctx, "audience")
    report_id = uuid.uuid4().hex
    with open_source(ctx, source) as table:
        rules = _checked_rules(ctx, table.columns, mapping, dedupe_on)
        path = imports_dir(ctx) / f"{report_id}.rejets.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            report = RejectedRowsReport(out, table.columns)
            summary = import_contacts(table, mapping, rules, load_blacklist(ctx),
                                      on_rejected=report.write)
    return ImportPreview(summary, report_id)


def start_contact_import(ctx: AuthContext, name: str, source: dict, mapping: dict[str, int],
                         dedupe_on: str = DedupeOn.TELEPHONE.value,
                         expected_rows: int = 0) -> ContactList:
    """Record the list as "En cours" and hand the import to a worker."""
    contact_list = record_contact_import(ctx, name, source, mapping, dedupe_on, expected_rows)
    from services.workers.contact_import import import_contact_list

    import_contact_list.send(ctx.tenant_id, contact_list.id, ctx.user_id)
    return contact_list


def record_contact_import(ctx: AuthContext, name: str, source: dict, mapping: dict[str, int],
                          dedupe_on: str = DedupeOn.TELEPHONE.value,
                          expected_rows: int = 0) -> ContactList:
    """The list, "En cours", checked and ready for run_contact_import (the job's body)."""
    access_area(ctx, "audience")
    name = name.strip()
    if not name:
        raise AudienceError("Donnez un nom à la liste.")
    with open_source(ctx, source, limit=1) as table:
        _checked_rules(ctx, table.columns, mapping, dedupe_on)
        name_shown = str(source.get("label") or "")[:200]  # the user's file name, shown only
        label = f"Fichier {table.kind.upper()}" + (f" « {name_shown} »" if name_shown else "")
    if source.get("kind") == "database":
        label = _remote_spec(ctx, source["source_id"]).label
    clean_source = {key: source.get(key) for key in ("kind", "upload", "delimiter", "has_header", "source_id")}
    contact_list = ContactList(
        name=name[:200], source_kind="database" if source.get("kind") == "database" else "file",
        source_label=label[:300], source=clean_source, mapping=dict(mapping), dedupe_on=dedupe_on,
        expected_rows=max(0, int(expected_rows)), created_by=ctx.user_id)
    with tenant_session(ctx) as session:
        session.add(contact_list)
    return contact_list


# --- lists ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListPage:
    lists: list[ContactList]
    total: int
    running: int


def list_contact_lists(ctx: AuthContext, page: int = 1, per_page: int = 10, search: str = "") -> ListPage:
    access_area(ctx, "audience")
    query = select(ContactList)
    if search.strip():
        query = query.where(func.lower(ContactList.name).contains(search.strip().lower(), autoescape=True))
    with tenant_session(ctx) as session:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        running = session.exec(select(func.count()).where(
            ContactList.status == ListStatus.EN_COURS.value)).one()
        lists = session.exec(query.order_by(ContactList.created_at.desc(), ContactList.id.desc())
                             .offset((max(1, page) - 1) * per_page).limit(per_page)).all()
    return ListPage(list(lists), total, running)


def delete_contact_list(ctx: AuthContext, list_id: int) -> str:
    """Delete a list and its contacts (not while it is being imported); its name."""
    access_area(ctx, "audience")
    with tenant_session(ctx) as session:
        contact_list = session.get(ContactList, list_id)
        if contact_list is None:
            raise AudienceError("Cette liste n'existe plus.")
        if contact_list.status == ListStatus.EN_COURS.value:
            raise AudienceError("Cette liste est en cours d'import : attendez la fin.")
        name = contact_list.name
        try:
            drop_list_table(session, list_id)  # its contacts, at once
        except OperationalError as error:
            raise AudienceError("Les contacts sont très sollicités en ce moment (import en fin "
                                "de traitement) : réessayez dans un instant.") from error
        session.delete(contact_list)  # contacts imported before t0006: ON DELETE CASCADE
    (imports_dir(ctx) / f"liste-{list_id}.rejets.csv").unlink(missing_ok=True)
    return name


# --- custom fields ---------------------------------------------------------------------

def custom_field_names(ctx: AuthContext) -> list[str]:
    return list(custom_field_kinds(ctx))


def custom_field_kinds(ctx: AuthContext) -> dict[str, str]:
    """The tenant's custom fields by name, with their type (FieldKind)."""
    with tenant_session(ctx) as session:
        return dict(session.exec(select(CustomField.name, CustomField.kind).order_by(CustomField.name)).all())


def add_custom_field(ctx: AuthContext, name: str, kind: str = FieldKind.TEXTE.value) -> str:
    """A new field of the tenant's contacts ('Zone géographique' -> {Zone_géographique}); its name."""
    access_area(ctx, "audience")
    name = re.sub(r"\s+", "_", name.strip())
    if not re.match(r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9_]{0,59}$", name):
        raise AudienceError("Nom de champ invalide : lettres, chiffres et _ (ex. Zone_Geographique).")
    try:
        kind = parse_kind(kind)
    except ValueError as error:
        raise AudienceError(str(error)) from error
    existing = {field.lower() for field in (*STANDARD_FIELDS, *custom_field_names(ctx))}
    if name.lower() in existing:
        raise AudienceError(f"Le champ {{{name}}} existe déjà.")
    with tenant_session(ctx) as session:
        session.add(CustomField(name=name, kind=kind.value))
    return name
