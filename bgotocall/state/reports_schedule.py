"""The « Envoi programmé » card of the campaign data and statistics pages: the synthesis PDF
emailed every day, week or month (services/reporting/schedules.py does the checks)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.state.reports import ReportsState
from services.reporting.periods import PeriodError
from services.reporting.schedules import (
    FREQUENCIES, ScheduleError, delete_schedule, email_synthesis_now, list_schedules, save_schedule,
)
from services.reporting.scope import ReportNotFound


@dataclasses.dataclass
class ScheduleLine:
    id: int
    frequency: str
    recipients: str
    last: str


class ReportScheduleState(ReportsState):
    schedules: list[ScheduleLine] = []
    schedule_frequency: str = "weekly"
    schedule_recipients: str = ""
    schedule_error: str = ""

    def _report_id(self) -> int | None:
        return None if self.tenant_wide else self.campaign_id

    def _refresh(self, ctx) -> None:
        self.schedules = [
            ScheduleLine(s.id, FREQUENCIES[s.frequency], ", ".join(s.recipients),
                         f"{s.last_period_end:%d/%m/%Y}" if s.last_period_end else "—")
            for s in list_schedules(ctx, self._report_id())]

    @rx.event
    def load_schedules(self):
        """After open_reports / open_statistics (the page's on_load), which set the report."""
        if not self.tenant_wide and not self.campaign_id:
            return None
        ctx = self._authorize("campaigns", "read report schedules")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            self._refresh(ctx)
        except ReportNotFound:
            return rx.redirect("/campagnes")
        return None

    @rx.event
    def set_schedule_frequency(self, value: str):
        self.schedule_frequency = value if value in FREQUENCIES else "weekly"

    @rx.event
    def set_schedule_recipients(self, value: str):
        self.schedule_recipients, self.schedule_error = value[:2000], ""

    @rx.event
    def add_schedule(self):
        ctx = self._authorize("campaigns", "schedule a synthesis report")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            save_schedule(ctx, self._report_id(), self.schedule_frequency,
                          self.schedule_recipients)
            self._refresh(ctx)
        except ReportNotFound:
            return rx.redirect("/campagnes")
        except ScheduleError as exc:
            self.schedule_error = str(exc)
            return None
        self.schedule_recipients, self.schedule_error = "", ""
        return rx.toast.success("Envoi programmé enregistré.")

    @rx.event
    def email_now(self):
        """« Envoyer maintenant »: the synthesis of the period on screen, to the recipients typed."""
        ctx = self._authorize("campaigns", "email a synthesis report")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            sent = email_synthesis_now(ctx, self._report_id(), self._period_of(), self.schedule_recipients)
        except ReportNotFound:
            return rx.redirect("/campagnes")
        except (ScheduleError, PeriodError) as exc:
            self.schedule_error = str(exc)
            return None
        self.schedule_error = ""
        return rx.toast.success(f"Synthèse envoyée à {len(sent)} destinataire(s).")

    @rx.event
    def remove_schedule(self, schedule_id: int):
        ctx = self._authorize("campaigns", "remove a report schedule")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            delete_schedule(ctx, self._report_id(), int(schedule_id))
            self._refresh(ctx)
        except ReportNotFound:
            return rx.redirect("/campagnes")
        return rx.toast.success("Envoi programmé supprimé.")
