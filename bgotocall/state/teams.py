"""The Teams page of a tenant (supervisors and admins)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from services.teams import TeamError, create_team, delete_team, teams_with_members
from bgotocall.state.session import SessionState


@dataclasses.dataclass
class TeamRow:
    id: int
    name: str
    description: str
    members: str          # "Hélène Fotso, François Eto'o" or "—"
    size: int


class TeamsState(SessionState):
    teams: list[TeamRow] = []
    form_error: str = ""
    delete_id: int = 0
    delete_name: str = ""

    @rx.event
    def load_teams(self):
        ctx = self._authorize("teams", "list_teams")
        self.teams = [TeamRow(v.id, v.name, v.description, ", ".join(v.members) or "—", len(v.members))
                      for v in teams_with_members(ctx)] if ctx else []

    @rx.event
    def ask_delete(self, team_id: int, name: str):
        self.delete_id, self.delete_name = team_id, name

    @rx.event
    def cancel_delete(self):
        self.delete_id = 0

    @rx.event
    def confirm_delete(self):
        ctx = self._authorize("teams", "delete_team")
        team_id, self.delete_id = self.delete_id, 0
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            delete_team(ctx, team_id)
        except TeamError as exc:
            return rx.toast.error(str(exc))
        self.load_teams()
        return rx.toast.success(f"Équipe « {self.delete_name} » supprimée ; ses agents restent inscrits.")

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
