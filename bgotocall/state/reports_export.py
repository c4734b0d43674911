"""The export dialog of the campaign data page: columns, format, progress, download link."""
from __future__ import annotations

import asyncio

import reflex as rx

from bgotocall.state.reports import ReportsState
from services.models.reporting import ExportState
from services.reporting.exports import ExportError, export_status, start_export
from services.reporting.journal import JOURNAL_KEYS, export_columns
from services.reporting.scope import ReportNotFound

DOWNLOAD_ROUTE = "/api/rapports/exports/"
POLL_SECONDS = 1.0


class ReportExportState(ReportsState):
    export_open: bool = False
    column_choices: list[list[str]] = []  # [key, label]
    chosen: list[str] = []
    export_format: str = "csv"
    export_token: str = ""
    export_state: str = ""
    export_progress: int = 0
    export_error: str = ""

    @rx.var
    def download_url(self) -> str:
        return DOWNLOAD_ROUTE + self.export_token if self.export_state == "PRET" else ""

    @rx.event
    def open_export(self):
        ctx = self._authorize("campaigns", "open export")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            self.column_choices = [[k, label] for k, label in export_columns(ctx, self.campaign_id)]
        except ReportNotFound:
            return rx.redirect("/campagnes")
        if not self.chosen:
            self.chosen = list(JOURNAL_KEYS)
        self.export_open, self.export_error = True, ""
        return None

    @rx.event
    def close_export(self):
        self.export_open = False

    @rx.event
    def toggle_column(self, key: str, checked: bool):
        keys = [k for k in self.chosen if k != key]
        self.chosen = keys + [key] if checked else keys

    @rx.event
    def set_export_format(self, value: str):
        self.export_format = value if value in ("csv", "xlsx") else "csv"

    @rx.event
    def start(self):
        ctx = self._authorize("campaigns", "start export")
        if ctx is None:
            return rx.redirect("/interdit")
        order = [k for k, _ in self.column_choices if k in self.chosen]
        try:
            job = start_export(ctx, self.campaign_id, order, self.export_format, self._filters())
        except (ExportError, ReportNotFound) as exc:
            self.export_error = str(exc)
            return None
        self.export_token, self.export_state, self.export_progress = job.token, job.state, 0
        self.export_error = ""
        return ReportExportState.watch_export

    @rx.event(background=True)
    async def watch_export(self):
        """Show the worker's progress until the file is ready (or failed)."""
        while True:
            async with self:
                ctx = self._authorize("campaigns", "follow export")
                job = export_status(ctx, self.export_token) if ctx else None
                if job is None:
                    self.export_state = ""
                    return
                self.export_state = job.state
                self.export_progress = (100 if job.state == ExportState.PRET.value else
                                        int(100 * job.rows_written / job.rows_total)
                                        if job.rows_total else 0)
                self.export_error = job.error
                if job.state in (ExportState.PRET.value, ExportState.ECHEC.value):
                    return
            await asyncio.sleep(POLL_SECONDS)
