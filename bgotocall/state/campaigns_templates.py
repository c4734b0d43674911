"""The tenant's WhatsApp template registry and frequency caps (on the campaign list page)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.state.session import SessionState
from services.campaigns.presets import (
    Cap, CapError, apply_preset_caps, frequency_caps, set_frequency_cap,
)
from services.campaigns.whatsapp_templates import (
    TemplateError, add_template, list_templates, set_template_status, submit_template,
)
from services.models.campaigns import TemplateStatus


@dataclasses.dataclass
class TemplateRow:
    id: int
    name: str
    language: str
    category: str
    body: str
    status: str
    submitted: bool = False  # sent to Meta for review (its webhook decides)
    reason: str = ""


@dataclasses.dataclass
class CapRow:
    channel: str
    max_contacts: int
    window_days: int
    cooldown: int
    source: str


class CampaignTemplatesState(SessionState):
    templates: list[TemplateRow] = []
    template_error: str = ""
    caps: list[CapRow] = []
    cap_error: str = ""

    @rx.event
    def load_registry(self):
        ctx = self._authorize("campaigns", "list_templates")
        if ctx is None:
            return
        self.templates = [TemplateRow(t.id, t.name, t.language, t.category, t.body, t.status,
                                      bool(t.meta_template_id), t.rejection_reason)
                          for t in list_templates(ctx)]
        self.caps = [CapRow(c.channel, c.max_contacts, c.window_days,
                            c.cooldown_after_refusal_days, c.source) for c in frequency_caps(ctx)]

    @rx.event
    def add_template(self, form: dict):
        ctx = self._authorize("campaigns", "add_template")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            add_template(ctx, str(form.get("name", "")).strip(), str(form.get("language", "")),
                         str(form.get("category", "")), str(form.get("body", "")))
        except TemplateError as exc:
            self.template_error = str(exc)
            return None
        self.template_error = ""
        self.load_registry()
        return [rx.set_value("wa-name", ""), rx.set_value("wa-body", ""),
                rx.toast.success("Modèle ajouté : en attente d'approbation par Meta.")]

    @rx.event
    def submit(self, template_id: int):
        """Send the template to Meta for review; Meta's webhook sets its status."""
        ctx = self._authorize("campaigns", "submit_template")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            submit_template(ctx, int(template_id))
        except TemplateError as exc:
            return rx.toast.error(str(exc))
        self.load_registry()
        return rx.toast.success("Modèle soumis à Meta : la décision arrive par son webhook.")

    @rx.event
    def set_status(self, template_id: int, status: str):
        ctx = self._authorize("campaigns", "set_template_status")
        if ctx is None or status not in TemplateStatus.__members__:
            return rx.toast.error("Action non autorisée.")
        try:
            set_template_status(ctx, int(template_id), TemplateStatus[status])
        except TemplateError as exc:
            return rx.toast.error(str(exc))
        self.load_registry()

    @rx.event
    def save_cap(self, form: dict):
        ctx = self._authorize("campaigns", "set_frequency_cap")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            cap = Cap(str(form.get("channel", "")), int(form.get("max_contacts") or 0),
                      int(form.get("window_days") or 0), int(form.get("cooldown") or 0))
        except ValueError:
            self.cap_error = "Saisissez des nombres entiers."
            return None
        try:
            set_frequency_cap(ctx, cap, "Réglage de l'instance")
        except CapError as exc:
            self.cap_error = str(exc)
            return None
        self.cap_error = ""
        self.load_registry()
        return rx.toast.success("Plafond enregistré.")

    @rx.event
    def use_preset_caps(self, key: str):
        ctx = self._authorize("campaigns", "apply_preset_caps")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            apply_preset_caps(ctx, key)
        except KeyError:
            return None
        self.load_registry()
        return rx.toast.success("Plafonds du préréglage appliqués.")
