"""The agent's phone settings, shown on their panel while they are « Déconnecté »."""
from __future__ import annotations

import reflex as rx

from bgotocall.state.session import SessionState
from services.voice.phone_setup import my_phone_setup


class AgentPhoneState(SessionState):
    has_extension: bool = False
    login: str = ""
    extension: str = ""
    sip_user: str = ""
    server: str = ""
    webrtc: str = ""
    softphone: str = ""

    @rx.event
    def load_phone_setup(self):
        ctx = self._authorize("agent_panel", "my_phone_setup")
        setup = my_phone_setup(ctx) if ctx else None
        self.has_extension = setup is not None
        if setup is not None:
            self.login, self.extension, self.sip_user = setup.login, setup.extension, setup.sip_user
            self.server, self.webrtc, self.softphone = setup.server, setup.webrtc, setup.softphone
