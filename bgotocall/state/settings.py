"""The admin's settings: the tenant's supervisors."""
from __future__ import annotations

from typing import ClassVar

import reflex as rx

from bgotocall.state.enrolment import EnrolmentMixin
from bgotocall.state.session import SessionState
from services.voice.agents import SUPERVISORS, Membership
from services.voice.supervisors import SupervisorRow, list_supervisors


class SupervisorsState(EnrolmentMixin, SessionState):
    _kind: ClassVar[Membership] = SUPERVISORS
    supervisors: list[SupervisorRow] = []

    def _refresh(self, ctx) -> None:
        self.supervisors = list_supervisors(ctx)

    @rx.event
    def load(self):
        ctx = self._authorize("tenant_settings", "list_supervisors")
        if ctx is not None:
            self._refresh(ctx)
