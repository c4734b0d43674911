"""The import wizard of UC-CP-06: A Source, B Correspondance, C Nettoyage, D Validation."""
from __future__ import annotations

import asyncio

import reflex as rx

from bgotocall.state.session import SessionState
from services.audience.errors import ImportFileError
from services.audience.imports import (
    AudienceError, SourcePreview, add_custom_field, custom_field_names, inspect_source, inspect_upload,
    mapping_problems, preview_contact_import, save_database_source, start_contact_import,
)
from services.audience.mapping import STANDARD_FIELDS, custom_field_name, sample_rows, unkept_columns

UPLOAD_ID = "audience-upload"
NO_COLUMN = "—"
DELIMITER_LABELS = {",": "Virgule (,)", ";": "Point-virgule (;)", "\t": "Tabulation", "|": "Barre verticale (|)"}
_BY_LABEL = {label: delimiter for delimiter, label in DELIMITER_LABELS.items()}
_FAILURES = (AudienceError, ImportFileError, ValueError)


def _message(error: Exception) -> str:
    return getattr(error, "message", None) or str(error)


class AudienceImportState(SessionState):
    step: int = 0
    mode: str = "file"
    file_name: str = ""
    kind: str = ""
    encoding: str = ""
    delimiter_label: str = ""
    confident: bool = True
    columns: list[str] = []
    options: list[str] = []
    fields: list[str] = []
    mapping: dict[str, str] = {}
    sample_headers: list[str] = []
    sample: list[list[str]] = []
    unkept: list[str] = []  # options of the columns no field reads
    new_field_open: bool = False
    new_field_column: str = ""
    new_field_name: str = ""
    new_field_error: str = ""
    dedupe_on: str = "telephone"
    total: int = 0
    errors: int = 0
    duplicates: int = 0
    blacklisted: int = 0
    accepted: int = 0
    email_only: int = 0
    report_url: str = ""
    error: str = ""
    busy: bool = False
    _source: dict = {}
    _raw_sample: list = []

    @rx.var
    def delimiter_options(self) -> list[str]:
        return list(DELIMITER_LABELS.values())

    @rx.event
    def open_wizard(self):
        redirect = self._enter("audience")
        if redirect is None:
            self._reset_wizard()
        return redirect

    def _reset_wizard(self) -> None:
        self.step, self.mode, self.file_name, self.error, self.busy = 0, "file", "", "", False
        self.columns, self.options, self.mapping, self.sample, self.unkept = [], [], {}, [], []
        self.total = self.errors = self.duplicates = self.blacklisted = self.accepted = self.email_only = 0
        self.new_field_open = False
        self._source, self._raw_sample, self.report_url = {}, [], ""

    def _show_source(self, preview: SourcePreview, fields: list[str]) -> None:
        self.kind, self.encoding, self.confident = preview.kind, preview.encoding, preview.confident
        self.delimiter_label = DELIMITER_LABELS.get(preview.delimiter, "")
        self.columns = preview.columns
        self.options = [NO_COLUMN] + [f"{i + 1} · {name}" for i, name in enumerate(preview.columns)]
        self.fields = fields
        self.mapping = {field: self.options[preview.suggested[field] + 1] if field in preview.suggested
                        else NO_COLUMN for field in fields}
        self._raw_sample = preview.sample
        self._refresh_sample()
        self.error = ""

    def _mapping(self) -> dict[str, int]:
        return {field: int(option.split(" · ")[0]) - 1 for field, option in self.mapping.items()
                if option != NO_COLUMN}

    def _refresh_sample(self) -> None:
        mapping = self._mapping()
        rows = sample_rows(self._raw_sample, mapping)
        self.sample_headers = list(rows[0]) if rows else [f for f in self.fields if f in mapping]
        self.sample = [list(row.values()) for row in rows]
        self.unkept = [self.options[index + 1] for index in unkept_columns(self.columns, mapping)]

    @rx.event
    def set_mode(self, mode: str | list[str]):
        self.mode = "database" if mode == "database" else "file"
        self.error = ""

    @rx.event
    async def receive_file(self, files: list[rx.UploadFile]):
        ctx = self._authorize("audience", "store_upload")
        if ctx is None or not files:
            return rx.toast.error("Action non autorisée.") if ctx is None else None
        self.busy = True
        try:
            self._source, preview = await asyncio.to_thread(inspect_upload, ctx, files[0].file)
        except _FAILURES as error:
            self.error, self.busy, self.columns = _message(error), False, []
            return None
        finally:
            self.busy = False
        self.file_name = files[0].name or "fichier"
        self._source = {**self._source, "label": self.file_name}
        self._show_source(preview, [*STANDARD_FIELDS, *self._custom(ctx)])
        return None

    def _custom(self, ctx) -> list[str]:
        return custom_field_names(ctx)

    @rx.event
    def choose_delimiter(self, label: str):
        ctx = self._authorize("audience", "inspect_source")
        if ctx is None or not self._source:
            return None
        self._source = {**self._source, "delimiter": _BY_LABEL.get(label)}
        self.delimiter_label = label
        try:
            preview = inspect_source(ctx, self._source)
        except _FAILURES as error:
            self.error, self.columns, self.options = _message(error), [], []
            return None
        self._show_source(preview, self.fields)
        self.confident = True
        return None

    @rx.event
    async def connect_database(self, form: dict):
        ctx = self._authorize("audience", "save_database_source")
        if ctx is None:
            yield rx.toast.error("Action non autorisée.")
            return
        self.busy, self.error = True, ""
        yield
        try:
            source_id = await asyncio.to_thread(
                save_database_source, ctx, str(form.get("url", "")), str(form.get("login", "")),
                str(form.get("password", "")), str(form.get("table", "")), str(form.get("query", "")))
            self._source = {"kind": "database", "source_id": source_id}
            preview = await asyncio.to_thread(inspect_source, ctx, self._source)
        except _FAILURES as error:
            self.error = _message(error)
            return
        finally:
            self.busy = False
        self.file_name = str(form.get("table", "")) or "SELECT"
        self._show_source(preview, [*STANDARD_FIELDS, *self._custom(ctx)])
        self.step = 1

    @rx.event
    def go_to_step(self, step: int):
        self.step, self.error = max(0, min(int(step), self.step)), ""

    @rx.event
    def to_mapping(self):
        if self.columns:
            self.step, self.error = 1, ""

    @rx.event
    def set_mapping(self, field: str, option: str):
        self.mapping = {**self.mapping, field: option}
        self._refresh_sample()

    @rx.event
    def open_new_field(self, option: str):
        """Keep a column no field reads: a new custom field, named after it by default."""
        self.new_field_column, self.new_field_error = option, ""
        self.new_field_name = custom_field_name(option.split(" · ", 1)[-1])
        self.new_field_open = True

    @rx.event
    def set_new_field_open(self, value: bool):
        self.new_field_open = value

    @rx.event
    def create_field(self, form: dict):
        ctx = self._authorize("audience", "add_custom_field")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        if self.new_field_column not in self.unkept:
            self.new_field_open = False
            return None
        try:
            name = add_custom_field(ctx, str(form.get("name", "")), str(form.get("kind", "")))
        except AudienceError as error:
            self.new_field_error = str(error)
            return None
        self.fields = [*self.fields, name]
        self.mapping = {**self.mapping, name: self.new_field_column}
        self._refresh_sample()
        self.new_field_open = False
        column = self.new_field_column.split(" · ", 1)[-1]
        return rx.toast.success(f"Champ {{{name}}} créé : la colonne « {column} » sera importée.")

    @rx.event
    def to_rules(self):
        ctx = self._authorize("audience", "mapping_problems")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        problems = mapping_problems(ctx, self.columns, self._mapping())
        self.error = " ".join(problems)
        if not problems:
            self.step = 2
        return None

    @rx.event
    def set_dedupe_on(self, value: str | list[str]):
        self.dedupe_on = "identifiant" if value == "identifiant" else "telephone"

    @rx.event
    async def analyse(self):
        ctx = self._authorize("audience", "preview_contact_import")
        if ctx is None:
            return
        self.busy, self.error = True, ""
        yield
        try:
            preview = await asyncio.to_thread(preview_contact_import, ctx, self._source,
                                              self._mapping(), self.dedupe_on)
        except _FAILURES as error:
            self.error = _message(error)
            return
        finally:
            self.busy = False
        summary = preview.summary
        self.total, self.errors, self.duplicates = summary.total, summary.errors, summary.duplicates
        self.blacklisted, self.accepted = summary.blacklisted, summary.accepted
        self.email_only = summary.email_only
        self.report_url = f"/api/audience/rejets/{preview.report_id}"
        self.step = 3

    @rx.event
    def start_import(self, form: dict):
        ctx = self._authorize("audience", "start_contact_import")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            contact_list = start_contact_import(ctx, str(form.get("name", "")), self._source,
                                                self._mapping(), self.dedupe_on, self.total)
        except _FAILURES as error:
            self.error = _message(error)
            return None
        self._reset_wizard()
        return [rx.redirect("/audience"),
                rx.toast.success(f"Import de « {contact_list.name} » lancé.")]
