"""The Teams page of a tenant (supervisors and admins)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from services.teams import TeamError, create_team, list_teams
from bgotocall.state.session import SessionState


@dataclasses.dataclass
class TeamRow:
    id: int
    name: str
    description: str


class TeamsState(SessionState):
    teams: list[TeamRow] = []
    form_error: str = ""

    @rx.event
    def load_teams(self):
        ctx = self._authorize("teams", "list_teams")
        self.teams = [TeamRow(id=t.id, name=t.name, description=t.description)
                      for t in list_teams(ctx)] if ctx else []

    @rx.event
    def add_team(self, form: dict):
        ctx = self._authorize("teams", "create_team")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            create_team(ctx, str(form.get("name", "")), str(form.get("description", "")))
        except TeamError as exc:
            self.form_error = str(exc)
            return None
        self.form_error = ""
        self.load_teams()
        return [rx.set_value("team-name", ""), rx.set_value("team-description", ""),
                rx.toast.success("Équipe créée.")]
