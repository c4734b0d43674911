"""The recycling card of the campaign data page: choose outcomes and codes, preview, recycle."""
from __future__ import annotations

import reflex as rx

from bgotocall.state.reports import ReportsState
from services.reporting.recycling import (
    CALL_OUTCOMES, RecycleError, RecycleRule, recycle, recycle_into_new_campaign, recycle_preview,
)
from services.reporting.scope import ReportNotFound


class RecycleState(ReportsState):
    recycle_outcomes: list[str] = []
    recycle_failed: bool = False
    recycle_codes: list[str] = []
    recycle_count: int = -1  # -1: no preview yet
    new_campaign_name: str = ""
    new_campaign_error: str = ""

    def _rule(self) -> RecycleRule:
        return RecycleRule(tuple(o for o in self.recycle_outcomes if o in CALL_OUTCOMES),
                           self.recycle_failed, tuple(self.recycle_codes))

    def _preview(self):
        ctx = self._authorize("campaigns", "preview recycling")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            self.recycle_count = recycle_preview(ctx, self.campaign_id, self._rule())
        except ReportNotFound:
            return rx.redirect("/campagnes")
        return None

    @rx.event
    def toggle_outcome(self, outcome: str, checked: bool):
        rest = [o for o in self.recycle_outcomes if o != outcome]
        self.recycle_outcomes = rest + [outcome] if checked else rest
        return self._preview()

    @rx.event
    def toggle_code(self, code: str, checked: bool):
        rest = [c for c in self.recycle_codes if c != code]
        self.recycle_codes = rest + [code[:60]] if checked else rest
        return self._preview()

    @rx.event
    def toggle_failed(self, checked: bool):
        self.recycle_failed = checked
        return self._preview()

    @rx.event
    def run_recycle(self):
        ctx = self._authorize("campaigns", "recycle contacts")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            queued = recycle(ctx, self.campaign_id, self._rule())
        except ReportNotFound:
            return rx.redirect("/campagnes")
        self._preview()
        return rx.toast.success(f"{queued} contact(s) remis en file.")

    @rx.event
    def set_new_campaign_name(self, value: str):
        self.new_campaign_name, self.new_campaign_error = value[:300], ""

    @rx.event
    def run_recycle_new(self):
        """The chosen contacts into a new Brouillon (its own list), not this campaign."""
        ctx = self._authorize("campaigns", "recycle contacts into a new campaign")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            _, count = recycle_into_new_campaign(ctx, self.campaign_id, self._rule(),
                                                 self.new_campaign_name)
        except ReportNotFound:
            return rx.redirect("/campagnes")
        except RecycleError as exc:
            self.new_campaign_error = str(exc)
            return None
        name, self.new_campaign_name = " ".join(self.new_campaign_name.split()), ""
        return rx.toast.success(f"Campagne « {name} » créée en brouillon avec {count} "
                                "contact(s).")
