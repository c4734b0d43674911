"""The Audience page: contact lists (with live progress), custom fields, contact search."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.state.session import SessionState
from services.audience.imports import (
    AudienceError, add_custom_field, custom_field_kinds, delete_contact_list, list_contact_lists,
)
from services.audience.search import find_contacts
from services.models.audience import ContactList

PER_PAGE = 10


@dataclasses.dataclass
class ListRow:
    id: int
    name: str
    source: str
    status: str
    reason: str
    percent: int
    accepted: str
    rejected: str
    created: str
    report_url: str


@dataclasses.dataclass
class ContactRow:
    name: str
    telephone: str
    email: str
    list_name: str


def _count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _row(item: ContactList) -> ListRow:
    percent = 100 if item.status != "EN_COURS" else (
        min(99, item.processed_rows * 100 // item.expected_rows) if item.expected_rows else 0)
    done = item.status == "PRETE"
    return ListRow(
        id=item.id, name=item.name, source=item.source_label, status=item.status,
        reason=item.failure_reason, percent=percent,
        accepted=_count(item.accepted) if done else "—",
        rejected=f"{_count(item.errors)} / {_count(item.duplicates)} / {_count(item.blacklisted)}" if done else "—",
        created=item.created_at.strftime("%d/%m/%Y %H:%M"),
        report_url=f"/api/audience/rejets/liste-{item.id}" if done else "")


class ContactSearchState(SessionState):
    query: str = ""
    hits: list[ContactRow] = []
    searched: bool = False

    @rx.event
    def enter_contacts(self):
        return self._enter("contacts")

    @rx.event
    def search(self, form: dict):
        ctx = self._authorize("contacts", "find_contacts")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self.query = str(form.get("query", ""))
        self.hits = [ContactRow(f"{h.prenom} {h.nom}".strip(), h.telephone, h.email, h.list_name)
                     for h in find_contacts(ctx, self.query)]
        self.searched = True
        return None


class AudienceState(SessionState):
    lists: list[ListRow] = []
    total: int = 0
    running: int = 0
    page: int = 1
    filter_text: str = ""
    custom_fields: list[list[str]] = []  # [name, kind]
    field_error: str = ""

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    @rx.event
    def enter_audience(self):
        return self._enter("audience")

    @rx.event
    def load_lists(self):
        ctx = self._authorize("audience", "list_contact_lists")
        if ctx is None:
            return
        result = list_contact_lists(ctx, self.page, PER_PAGE, self.filter_text)
        self.lists, self.total, self.running = [_row(i) for i in result.lists], result.total, result.running
        self.custom_fields = [list(item) for item in custom_field_kinds(ctx).items()]

    @rx.event
    def refresh(self, _tick: str = ""):
        """Called every second or so while an import runs (progress bars)."""
        self.load_lists()

    @rx.event
    def filter_lists(self, text: str):
        self.filter_text, self.page = text, 1
        self.load_lists()

    @rx.event
    def go_to_page(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        self.load_lists()

    @rx.event
    def delete_list(self, list_id: int):
        ctx = self._authorize("audience", "delete_contact_list")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            name = delete_contact_list(ctx, int(list_id))
        except AudienceError as error:
            return rx.toast.error(str(error))
        self.load_lists()
        return rx.toast.success(f"Liste « {name} » supprimée.")

    @rx.event
    def create_custom_field(self, form: dict):
        ctx = self._authorize("audience", "add_custom_field")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            name = add_custom_field(ctx, str(form.get("name", "")), str(form.get("kind", "texte")))
        except AudienceError as error:
            self.field_error = str(error)
            return None
        self.field_error = ""
        self.custom_fields = [list(item) for item in custom_field_kinds(ctx).items()]
        return [rx.set_value("custom-field-name", ""), rx.toast.success(f"Champ {{{name}}} ajouté.")]
