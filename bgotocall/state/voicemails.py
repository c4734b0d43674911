"""« Messages vocaux » on the supervisor's home: the messages saturated callers left, and the callbacks they
asked for, read again when the bridge says one arrived (live `voicemail`, `callback`) or, while callbacks
are listed, when an agent's phone rings (the dialer may be calling one back)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState
from services.voice.voicemails import caller_tasks, mark_handled


@dataclasses.dataclass
class CallerTaskLine:
    id: int
    kind: str
    phone: str
    name: str
    campaign: str
    at: str
    duration: str       # m:ss
    recording: bool


def _lines(ctx) -> list[CallerTaskLine]:
    return [CallerTaskLine(t.interaction_id, t.kind, t.phone, t.name, t.campaign, t.at,
                           f"{t.seconds // 60}:{t.seconds % 60:02d}", t.has_recording)
            for t in caller_tasks(ctx)]


@receives("voicemail", "callback", "agent_state", through=":supervision")
class VoicemailsState(SessionState):
    tasks: list[CallerTaskLine] = []
    loaded: bool = False

    @rx.event
    def load(self):
        ctx = self._authorize("supervision", "caller_tasks")
        if ctx is not None:
            self.tasks, self.loaded = _lines(ctx), True

    @rx.event
    def handle(self, interaction_id: int):
        ctx = self._authorize("supervision", "mark_voicemail_handled")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            mark_handled(ctx, interaction_id)
        except PermissionError as error:
            self.tasks = _lines(ctx)
            return rx.toast.error(str(error))
        self.tasks = _lines(ctx)
        return rx.toast.success("Message traité.")

    def _on_live(self, event) -> None:
        if not self.loaded:
            return
        if event.kind == "agent_state" and (event.data.get("state") != "RINGING"
                                            or not any(t.kind == "callback" for t in self.tasks)):
            return
        self.load()

    @rx.var
    def messages_count(self) -> int:
        return sum(1 for t in self.tasks if t.kind == "voicemail")
