"""The call on the agent's panel: screen pop (live event "call"), post-call form and « Valider »."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.session import SessionState
from services.voice.commands import PbxUnavailable
from services.voice.preview import PreviewRefused, call_offered, skip_offered
from services.voice.qualification import QualificationError, qualify
from services.voice.screen_pop import agent_current_call


@dataclasses.dataclass
class PopField:
    key: str
    label: str
    type: str
    required: bool
    options: list[str]


@dataclasses.dataclass
class PopCode:
    code: str
    label: str


@dataclasses.dataclass
class PopLine:
    label: str
    value: str


@dataclasses.dataclass
class PopHistory:
    when: str
    channel: str
    status: str
    code: str
    direction: str = "OUT"
    text: str = ""


@receives("call")
class AgentCallState(SessionState):
    call_id: int = 0
    phase: str = ""                 # ringing, answered, ended ("" = no call)
    campaign: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_fields: list[PopLine] = []
    history: list[PopHistory] = []
    script: str = ""
    fields: list[PopField] = []
    codes: list[PopCode] = []
    timezone: str = "Africa/Douala"
    answers: dict[str, str] = {}
    code: str = ""
    comment: str = ""
    callback_at: str = ""
    callback_personal: bool = True
    call_errors: dict[str, str] = {}
    last_outcome: str = ""
    skip_reason: str = ""
    deciding: bool = False

    def _show(self, pop: dict) -> None:
        contact = pop["contact"]
        self._set_changed(
            call_id=pop["interaction_id"], campaign=pop["campaign"], phase=pop["phase"],
            contact_name=contact["name"], contact_phone=contact["phone"], contact_email=contact["email"],
            contact_fields=[PopLine(f["label"], f["value"]) for f in contact["fields"]],
            history=[PopHistory(**h) for h in pop["history"]],
            script=pop["script"], timezone=pop.get("timezone") or "Africa/Douala",
            fields=[PopField(f["key"], f["label"], f["type"], f["required"], f["options"]) for f in pop["fields"]],
            codes=[PopCode(c["code"], c["label"] or c["code"]) for c in pop["codes"]],
            answers=dict(pop.get("answers") or {}),          # a known caller's last answers
            code="", comment="", callback_at="", call_errors={}, skip_reason="", deciding=False)

    def _set_changed(self, **values) -> None:
        """Only the values that differ from the last call's: the next call of a campaign has the
        same script, form and codes, which the panel then is not sent again (a floor's pops come
        in one second)."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _clear(self) -> None:
        self.call_id, self.phase = 0, ""

    def _on_live(self, event) -> None:
        data = event.data
        if data.get("phase") in ("preview", "ringing"):
            self._show(data)
        elif data.get("interaction_id") != self.call_id:
            return
        elif data["phase"] == "answered":
            self.phase = "answered"
        elif data["phase"] == "ended":
            self.last_outcome = data.get("label", "")
            if data.get("answered"):
                self.phase = "ended"        # post-call work: the form waits for « Valider »
            else:
                self._clear()

    @rx.event
    def load_call(self):
        ctx = self._authorize("agent_panel", "load_call")
        if ctx is None:
            return
        pop = agent_current_call(ctx)
        if pop:
            self._show(pop)
        else:
            self._clear()

    @rx.event
    def set_skip_reason(self, value: str):
        self.skip_reason = value

    @rx.event
    def call_now(self):
        """« Appeler » on the offered record (preview mode); checked again on the server."""
        ctx = self._authorize("agent_panel", "preview_call")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self.deciding = True
        try:
            call_offered(ctx, self.call_id)
        except PreviewRefused as error:
            self._clear()
            return rx.toast.error(str(error), duration=10_000)
        except (PermissionError, PbxUnavailable) as error:
            self._clear()
            return rx.toast.error(str(error))
        finally:
            self.deciding = False
        return None

    @rx.event
    def skip(self):
        """« Passer » with the agent's reason; the next record is offered."""
        ctx = self._authorize("agent_panel", "preview_skip")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            skip_offered(ctx, self.call_id, self.skip_reason)
        except PreviewRefused as error:
            self.call_errors = {"_skip": str(error)}
            return None
        except PermissionError as error:
            self._clear()
            return rx.toast.error(str(error))
        self._clear()
        return rx.toast.success("Fiche passée. La suivante arrive dès qu'un contact est disponible.")

    @rx.event
    def set_answer(self, key: str, value):
        self.answers = {**self.answers, key: ("oui" if value is True else "" if value is False else str(value))}

    @rx.event
    def set_code(self, value: str):
        self.code = value

    @rx.event
    def set_comment(self, value: str):
        self.comment = value

    @rx.event
    def set_callback_at(self, value: str):
        self.callback_at = value

    @rx.event
    def set_callback_personal(self, value: bool):
        self.callback_personal = bool(value)

    @rx.event
    def validate_call(self):
        ctx = self._authorize("agent_panel", "qualify_call")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        callback = None
        if self.callback_at:
            try:
                callback = datetime.fromisoformat(self.callback_at).replace(tzinfo=ZoneInfo(self.timezone))
            except ValueError:
                self.call_errors = {"_callback": "Date de rappel illisible."}
                return None
        try:
            qualify(ctx, self.call_id, self.code, dict(self.answers), self.comment, callback, self.callback_personal)
        except QualificationError as error:
            self.call_errors = error.errors
            return rx.toast.error("Complétez le formulaire avant de valider.")
        except PbxUnavailable as error:      # qualified; the PBX did not hear « prêt »
            self._clear()
            return rx.toast.error(str(error))
        except PermissionError as error:
            return rx.toast.error(str(error))
        self._clear()
        return rx.toast.success("Appel qualifié. Appel suivant dès qu'un contact est disponible.")
