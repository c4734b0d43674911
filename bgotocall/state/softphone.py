"""The browser phone of the agent's panel: what it shows, and the handlers that need the server.

The phone itself runs in the page (JsSIP, bgotocall/pages/softphone.py); it reports each change here
(`phone_changed`) so the panel shows it. Only two things go through the server, both for the signed-in
agent alone: the credentials to register (`connect_phone`, handed to the script, not kept in this state)
and a transfer, whose target must be one the agent's tenant offers (`transfer`). A call on a desk phone
(the browser phone off) is hung up and transferred over AMI (services/voice/call_control.py).
"""
from __future__ import annotations

import json

import reflex as rx

from bgotocall.state.session import SessionState
from services.voice import call_control
from services.voice.commands import PbxUnavailable
from services.voice.phone_setup import my_webrtc_credentials, transfer_targets

STATUSES = ("off", "connecting", "on", "failed")
CALLS = ("", "ringing", "up")


class SoftphoneState(SessionState):
    phone: str = "off"             # STATUSES
    call: str = ""                 # CALLS
    caller: str = ""
    muted: bool = False
    held: bool = False
    targets: list[list[str]] = []  # [extension, name]; the general queue first
    target: str = ""
    transfer_error: str = ""

    @rx.event
    def connect_phone(self):
        ctx = self._authorize("agent_panel", "connect_browser_phone")
        credentials = my_webrtc_credentials(ctx) if ctx else None
        if credentials is None:
            return None
        self.phone = "connecting"
        self.targets = [[extension, name] for extension, name in transfer_targets(ctx)]
        return rx.call_script(f"window.bgcPhone.start({json.dumps(credentials)})")

    @rx.event
    def disconnect_phone(self):
        self.phone, self.call = "off", ""
        return rx.call_script("window.bgcPhone.stop()")

    @rx.event
    def phone_changed(self, phone: str, call: str, caller: str, muted: bool, held: bool):
        if self._authorize("agent_panel", "browser_phone_state") is None:
            return
        self.phone = phone if phone in STATUSES else "off"
        self.call = call if call in CALLS else ""
        self.caller, self.muted, self.held = str(caller)[:80], bool(muted), bool(held)
        if not self.call:
            self.target, self.transfer_error = "", ""

    @rx.event
    def set_target(self, value: str):
        self.target, self.transfer_error = value, ""

    @rx.event
    def load_targets(self):
        ctx = self._authorize("agent_panel", "transfer_targets")
        if ctx is not None:
            self.targets = [[extension, name] for extension, name in transfer_targets(ctx)]

    @rx.event
    def transfer(self):
        """The browser phone transfers in SIP (REFER); a desk phone's call is transferred over AMI."""
        ctx = self._authorize("agent_panel", "transfer_call")
        if ctx is None:
            return None
        if self.target not in {extension for extension, _ in transfer_targets(ctx)}:
            self.transfer_error = "refused"
            return None
        if self.phone == "on":
            return rx.call_script(f"window.bgcPhone.transfer({json.dumps(self.target)})")
        try:
            call_control.transfer(ctx, self.target)
        except LookupError:
            self.transfer_error = "refused"
        except PbxUnavailable as error:     # e.g. no call to hand on yet: the customer still rings
            return rx.toast.error(str(error))
        return None

    @rx.event
    def hang_up_desk_phone(self):
        ctx = self._authorize("agent_panel", "hang_up_desk_phone")
        if ctx is None:
            return None
        try:
            call_control.hang_up(ctx)
        except (LookupError, PbxUnavailable) as error:
            return rx.toast.error(str(error))
        return None
