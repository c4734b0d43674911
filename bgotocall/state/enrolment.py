"""Enrolling and removing the tenant's people with a phone (agents, supervisors): the dialogs' state.

A mixin, so that the agents page and the settings page each have their own dialogs; `_kind` says
which people (services.voice.agents.Membership) and `_refresh` reloads the page's list.
"""
from __future__ import annotations

from typing import ClassVar

import reflex as rx

from services.voice.agents import AGENTS, AgentBusy, EnrolmentError, Membership, enroll_member, unenroll_member

FIELDS = ("last_name", "first_name", "login", "email")


class EnrolmentMixin(rx.State, mixin=True):
    _kind: ClassVar[Membership] = AGENTS
    enroll_open: bool = False
    errors: dict[str, str] = {}
    remove_open: bool = False
    remove_id: int = 0
    remove_name: str = ""

    def _refresh(self, ctx) -> None:
        raise NotImplementedError

    @rx.event
    def set_enroll_open(self, value: bool):
        self.enroll_open, self.errors = value, {}

    @rx.event
    def enroll(self, form: dict):
        ctx = self._authorize(self._kind.area, f"enroll_{self._kind.role.value.lower()}")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            person = enroll_member(ctx, self._kind, *(str(form.get(name, "")) for name in FIELDS))
        except EnrolmentError as error:
            self.errors = {error.field or "form": str(error)}
            return None
        self.enroll_open, self.errors = False, {}
        self._refresh(ctx)
        return rx.toast.success(f"{person.full_name} est inscrit (extension {person.extension}). "
                                "Ses accès lui ont été envoyés par email.")

    @rx.event
    def ask_remove(self, user_id: int, name: str):
        self.remove_open, self.remove_id, self.remove_name = True, user_id, name

    @rx.event
    def set_remove_open(self, value: bool):
        self.remove_open = value

    @rx.event
    def confirm_remove(self):
        ctx = self._authorize(self._kind.area, f"unenroll_{self._kind.role.value.lower()}")
        self.remove_open = False
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            unenroll_member(ctx, self._kind, self.remove_id)
        except (AgentBusy, LookupError) as error:
            return rx.toast.error(str(error))
        self._refresh(ctx)
        freed = " ; sa licence est libérée" if self._kind.uses_licence else ""
        return rx.toast.success(f"{self.remove_name} a été supprimé{freed}.")
