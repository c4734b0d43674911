"""Notices pushed live to a user's open pages (e.g. "Vous êtes affecté à …")."""
from __future__ import annotations

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState


@receives("notice")
class NoticeState(SessionState):
    notice: str = ""

    def _on_live(self, event) -> None:
        self.notice = str(event.data.get("message", ""))[:500]

    @rx.event
    def dismiss(self):
        self.notice = ""
