"""The campaign list: search, filters, pagination and each row's actions."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.state.session import SessionState
from services.campaigns.lifecycle import (
    archive_campaign, duplicate_campaign, list_campaigns, pause_campaign, resume_campaign,
)
from services.campaigns.store import CampaignError, PreflightRefused

PAGE_SIZE = 20
_ACTIONS = {"pause": (pause_campaign, "Campagne mise en pause."),
            "resume": (resume_campaign, "Campagne relancée."),
            "duplicate": (duplicate_campaign, "Campagne dupliquée en brouillon."),
            "archive": (archive_campaign, "Campagne archivée.")}


@dataclasses.dataclass
class CampaignListRow:
    id: int
    name: str
    status: str
    channels: list[str]
    progress: int
    contacts: int
    version: int
    updated_at: str


class CampaignsState(SessionState):
    rows: list[CampaignListRow] = []
    search: str = ""
    status_filter: str = "all"
    channel_filter: str = "all"
    page: int = 1
    total: int = 0
    archive_id: int = 0

    @rx.event
    def enter_campaigns(self):
        return self._enter("campaigns")

    @rx.event
    def load(self):
        ctx = self._authorize("campaigns", "list_campaigns")
        if ctx is None:
            return
        rows = list_campaigns(ctx, self.search, "" if self.status_filter == "all" else
                              self.status_filter,
                              "" if self.channel_filter == "all" else self.channel_filter)
        self.total = len(rows)
        self.page = min(self.page, max(1, -(-self.total // PAGE_SIZE)))
        start = (self.page - 1) * PAGE_SIZE
        self.rows = [CampaignListRow(**dataclasses.asdict(r)) for r in rows[start:start + PAGE_SIZE]]

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    def set_search(self, value: str):
        self.search, self.page = value[:100], 1
        self.load()

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter, self.page = value, 1
        self.load()

    @rx.event
    def set_channel_filter(self, value: str):
        self.channel_filter, self.page = value, 1
        self.load()

    @rx.event
    def go_page(self, delta: int):
        self.page = max(1, min(self.pages, self.page + delta))
        self.load()

    @rx.event
    def ask_archive(self, campaign_id: int):
        self.archive_id = campaign_id

    @rx.event
    def cancel_archive(self):
        self.archive_id = 0

    @rx.event
    def act(self, action: str, campaign_id: int):
        if action not in _ACTIONS:
            return None
        ctx = self._authorize("campaigns", f"{action}_campaign")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        function, done = _ACTIONS[action]
        self.archive_id = 0
        try:
            function(ctx, int(campaign_id))
        except PreflightRefused as exc:
            return rx.toast.error(" ".join(exc.reasons), duration=10_000)
        except CampaignError as exc:
            return rx.toast.error(str(exc))
        self.load()
        return rx.toast.success(done)
