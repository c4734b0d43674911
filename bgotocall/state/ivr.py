"""Serveur vocal (supervisor, admin): the IVR designer's thin state; every rule is in services/voice/ivr.py.

A choice is one select value: "queue:<queue>", "menu:<id>", "voicemail", "hangup" or "" (no option)."""
from __future__ import annotations

import reflex as rx

from bgotocall.state.session import SessionState
from services.voice.ivr import (
    ACTIONS, DIGITS, WEEKDAYS, IvrError, MenuView, delete_menu, entry_numbers, list_menus, queue_choices,
    save_menu,
)

_DENIED = "Action non autorisée."
AREA = "supervision"


def _choice(action: dict) -> str:
    kind = action.get("action", "")
    return f"{kind}:{action.get('target', '')}" if kind in ("queue", "menu") else kind


def _action(value: str) -> dict:
    kind, _, target = str(value or "").partition(":")
    return {"action": kind, "target": target}


class IvrState(SessionState):
    menus: list[MenuView] = []
    choices: list[list[str]] = []            # [value, label] of every action a key may lead to
    numbers: list[list[str]] = []            # [id, "number — label"] of the tenant's DIDs
    errors: dict[str, str] = {}
    editing: bool = False
    edit_id: int = 0
    draft: dict[str, str] = {}               # the fields shown when the dialog opens
    draft_numbers: list[str] = []
    draft_days: list[str] = []
    deleting_id: int = 0
    deleting_name: str = ""

    @rx.event
    def load(self):
        ctx = self._authorize(AREA, "load_ivr")
        if ctx is None:
            return
        self.menus = list_menus(ctx)
        self.choices = ([[f"queue:{k}", f"File : {v}"] for k, v in queue_choices(ctx).items()]
                        + [[f"menu:{m.id}", f"Menu « {m.name} »"] for m in self.menus]
                        + [["voicemail", ACTIONS["voicemail"]], ["hangup", ACTIONS["hangup"]]])
        self.numbers = [[str(i), f"{number} — {label}"] for i, number, label in entry_numbers(ctx)]

    @rx.event
    def open_new(self):
        self.edit_id, self.errors, self.draft_numbers, self.draft_days = 0, {}, [], ["0", "1", "2", "3", "4"]
        self.draft = {"name": "", "greeting_audio": "", "greeting_text": "", "timeout_seconds": "5",
                      "max_tries": "3", "fallback": "hangup", "hours": "", "start": "08:00", "end": "18:00",
                      "closed_audio": "", "closed_action": "hangup", **{f"digit_{d}": "" for d in DIGITS}}
        self.editing = True

    @rx.event
    def open_edit(self, menu_id: int):
        menu = next((m for m in self.menus if m.id == menu_id), None)
        if menu is None:
            return
        self.edit_id, self.errors = menu.id, {}
        keys = {o["digit"]: _choice(o) for o in menu.options}
        self.draft = {"name": menu.name, "greeting_audio": menu.greeting_audio, "greeting_text": menu.greeting_text,
                      "timeout_seconds": str(menu.timeout_seconds), "max_tries": str(menu.max_tries),
                      "fallback": _choice(menu.fallback), "hours": "on" if menu.hours else "",
                      "start": menu.hours.get("start", "08:00"), "end": menu.hours.get("end", "18:00"),
                      "closed_audio": menu.closed_audio, "closed_action": _choice(menu.closed_action) or "hangup",
                      **{f"digit_{d}": keys.get(d, "") for d in DIGITS}}
        self.draft_days = [str(d) for d in menu.hours.get("days", [0, 1, 2, 3, 4])]
        numbers = set(menu.numbers)
        self.draft_numbers = [n[0] for n in self.numbers if n[1].split(" — ")[0] in numbers]
        self.editing = True

    @rx.event
    def close(self, opened: bool = False):
        if not opened:
            self.editing, self.errors = False, {}

    @rx.event
    def save(self, form: dict):
        ctx = self._authorize(AREA, "save_ivr_menu")
        if ctx is None:
            return rx.toast.error(_DENIED)
        hours = ({"days": [i for i in range(7) if form.get(f"day_{i}")], "start": str(form.get("start", "")),
                  "end": str(form.get("end", ""))} if form.get("hours") else None)
        try:
            self.errors = save_menu(
                ctx, self.edit_id or None, name=str(form.get("name", "")),
                greeting_audio=str(form.get("greeting_audio", "")), greeting_text=str(form.get("greeting_text", "")),
                timeout_seconds=str(form.get("timeout_seconds", "")), max_tries=str(form.get("max_tries", "")),
                options=[{"digit": d, **_action(form.get(f"digit_{d}", ""))} for d in DIGITS],
                fallback=_action(form.get("fallback", "")), hours=hours,
                closed_audio=str(form.get("closed_audio", "")), closed_action=_action(form.get("closed_action", "")),
                number_ids=[int(k[len("number_"):]) for k, v in form.items()
                            if k.startswith("number_") and v and k[len("number_"):].isdigit()])
        except IvrError:
            return rx.toast.error("Ce menu n'existe plus.")
        if self.errors:
            return rx.toast.error("Vérifiez les champs signalés.")
        self.editing = False
        self.load()
        return rx.toast.success("Menu enregistré et transmis au standard.")

    @rx.event
    def ask_delete(self, menu_id: int, name: str):
        self.deleting_id, self.deleting_name = menu_id, name

    @rx.event
    def cancel_delete(self, opened: bool = False):
        if not opened:
            self.deleting_id, self.deleting_name = 0, ""

    @rx.event
    def confirm_delete(self):
        ctx = self._authorize(AREA, "delete_ivr_menu")
        if ctx is None:
            return rx.toast.error(_DENIED)
        try:
            refused = delete_menu(ctx, self.deleting_id)
        except IvrError:
            refused = "Ce menu n'existe plus."
        finally:
            self.deleting_id, self.deleting_name = 0, ""
        self.load()
        return rx.toast.error(refused) if refused else rx.toast.success("Menu supprimé.")


DAY_LABELS = [(str(i), label) for i, label in enumerate(WEEKDAYS)]
