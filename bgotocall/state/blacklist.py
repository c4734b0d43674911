"""The Liste noire page (UC-DG-04): entries, manual add, import, removal, history."""
from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from bgotocall.state.session import SessionState
from services.audience.blacklist import (
    BlacklistError, add_opt_out, list_opt_outs, opt_out_history, remove_opt_out,
)
from services.audience.errors import ImportFileError
from services.audience.imports import AudienceError, import_opt_outs_upload

PER_PAGE = 20


@dataclasses.dataclass
class OptOutRow:
    id: int
    contact: str
    channel: str
    source: str
    date: str
    note: str


@dataclasses.dataclass
class HistoryRow:
    action: str
    contact: str
    source: str
    date: str


class BlacklistState(SessionState):
    entries: list[OptOutRow] = []
    history: list[HistoryRow] = []
    total: int = 0
    page: int = 1
    search_text: str = ""
    form_error: str = ""

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    @rx.event
    def enter_blacklist(self):
        return self._enter("audience")

    @rx.event
    def load(self):
        ctx = self._authorize("audience", "list_opt_outs")
        if ctx is None:
            return
        result = list_opt_outs(ctx, self.search_text, self.page, PER_PAGE)
        self.total = result.total
        self.entries = [OptOutRow(e.id, e.phone or e.email or "", e.channel, e.source,
                                  e.created_at.strftime("%d/%m/%Y %H:%M"), e.note)
                        for e in result.entries]
        self.history = [HistoryRow(h.action, h.phone or h.email or "", h.source,
                                   h.at.strftime("%d/%m/%Y %H:%M")) for h in opt_out_history(ctx, 20)]

    @rx.event
    def search(self, text: str):
        self.search_text, self.page = text, 1
        self.load()

    @rx.event
    def go_to_page(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        self.load()

    @rx.event
    def add(self, form: dict):
        ctx = self._authorize("audience", "add_opt_out")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            add_opt_out(ctx, str(form.get("phone", "")), str(form.get("email", "")),
                        str(form.get("channel", "TOUS")), str(form.get("note", "")))
        except (BlacklistError, ValueError) as error:
            self.form_error = str(error)
            return None
        self.form_error = ""
        self.load()
        return [rx.set_value("optout-phone", ""), rx.set_value("optout-email", ""),
                rx.set_value("optout-note", ""), rx.toast.success("Ajouté à la liste noire.")]

    @rx.event
    def remove(self, entry_id: int):
        ctx = self._authorize("audience", "remove_opt_out")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            remove_opt_out(ctx, int(entry_id), "retrait depuis la page Liste noire")
        except BlacklistError as error:
            return rx.toast.error(str(error))
        self.load()
        return rx.toast.success("Retiré de la liste noire.")

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        ctx = self._authorize("audience", "import_opt_outs")
        if ctx is None or not files:
            return rx.toast.error("Action non autorisée.") if ctx is None else None
        try:
            added, rejected = await asyncio.to_thread(import_opt_outs_upload, ctx, files[0].file)
        except (ImportFileError, AudienceError) as error:
            return rx.toast.error(getattr(error, "message", None) or str(error))
        self.load()
        return rx.toast.success(f"{added} ajout(s), {rejected} ligne(s) ignorée(s).")
