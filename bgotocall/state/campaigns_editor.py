"""The campaign wizard (new) and editor (existing): steps A-D, pre-flight, history.

The handlers read the fields into one configuration document (`_config`) and call one
service function; the state only mirrors the document for the widgets.
"""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.i18n import EN, FR
from bgotocall.state.campaigns_agent import AgentFieldRow
from bgotocall.state.campaigns_document import CodeRow, FieldRow, document_of, widget_values
from bgotocall.state.session import SessionState
from services.campaigns.choices import wizard_choices
from services.campaigns.config import default_config, variables_in
from services.campaigns.forms import FIELD_TYPES
from services.campaigns.lifecycle import create_campaign, get_campaign, launch_campaign, launch_preview
from services.campaigns.presets import PRESETS, apply_preset
from services.campaigns.sms import sms_length
from services.campaigns.store import CampaignError, ConfirmationNeeded, PreflightRefused
from services.campaigns.versions import (
    campaign_history, rollback_campaign, rollback_preview, save_campaign)

EDIT_PAGE = "/campagnes/edition"


@dataclasses.dataclass
class OptionRow:
    id: str
    label: str
    detail: str = ""


@dataclasses.dataclass
class VersionRow:
    number: int
    author: str
    when: str
    note: str
    changes: list[str]


class CampaignEditorState(SessionState):
    campaign_id: int = 0
    status: str = "BROUILLON"
    version: int = 0
    launched: str = ""  # "26/11/2026 09:40 · Awa Ndiaye"
    step: str = "A"
    editor_key: int = 0  # remounts the rich-text editors when the document is reloaded
    # A. frame
    name: str = ""
    description: str = ""
    timezone: str = "Africa/Douala"
    valid_from: str = ""
    valid_until: str = ""
    bands: list[str] = [""] * 7
    contact_local_time: bool = False
    holidays: str = ""
    holiday_country: str = "none"
    preset: str = ""
    # B. channels: slots as dicts of strings/bools, mirrored from the document
    voice: dict[str, str] = {}
    sms: dict[str, str] = {}
    email: dict[str, str] = {}
    whatsapp: dict[str, str] = {}
    wa_variables: dict[str, str] = {}
    enabled: dict[str, bool] = {}
    fallback_from: str = "none"
    fallback_to: str = "none"
    # C. form, D. resources
    fields: list[FieldRow] = []
    codes: list[CodeRow] = []
    agents: list[str] = []
    teams: list[str] = []
    lists: list[str] = []
    # choices
    agent_options: list[OptionRow] = []
    team_options: list[OptionRow] = []
    list_options: list[OptionRow] = []
    template_options: list[OptionRow] = []
    number_options: list[str] = []
    template_slots: dict[str, list[str]] = {}
    known_fields: list[str] = []
    skill_options: list[str] = []
    sms_price: int = 0
    currency: str = "XAF"
    # results
    error: str = ""
    preflight: list[str] = []
    preflight_done: bool = False
    confirm_sentences: list[str] = []
    # what « Propager l'OS » and a rollback will do, shown before they are done
    confirm_launch: bool = False
    launch_contacts: int = 0
    launch_agents: int = 0
    launch_channels: list[str] = []
    rollback_to: int = 0
    rollback_changes: list[str] = []
    history: list[VersionRow] = []
    busy: bool = False

    # --- loading -------------------------------------------------------------------------
    def _open(self):
        """(context, None) when the page may open, else (None, the redirect)."""
        redirect = self._enter("campaigns")
        return (None, redirect) if redirect else (self._context(), None)

    @rx.event
    def open_new(self):
        ctx, redirect = self._open()
        if redirect:
            return redirect
        self.campaign_id, self.status, self.version, self.step = 0, "BROUILLON", 0, "A"
        self._fill(default_config())
        self._load_choices(ctx)
        self.history, self.preflight, self.preflight_done = [], [], False

    @rx.event
    def open_existing(self):
        ctx, redirect = self._open()
        if redirect:
            return redirect
        try:
            campaign_id = int(self.router.url.query_parameters.get("id", "0"))
            campaign = get_campaign(ctx, campaign_id)
        except (ValueError, CampaignError):
            return rx.redirect("/campagnes")
        self.campaign_id, self.status, self.version = campaign.id, campaign.status, \
            campaign.version
        self.step = "B" if campaign.status != "BROUILLON" else "A"
        self.launched = (f"{campaign.launched_at:%d/%m/%Y %H:%M} UTC · "
                         f"{campaign.launched_by_name}" if campaign.launched_at else "")
        self._fill(campaign.config)
        self._load_choices(ctx)
        self._load_history(ctx)
        self.preflight, self.preflight_done = [], False
        self.confirm_launch, self.rollback_to = False, 0

    def _load_choices(self, ctx) -> None:
        choices = wizard_choices(ctx)
        self.agent_options = [OptionRow(str(a.user_id), a.name, a.email) for a in choices.agents]
        self.team_options = [OptionRow(str(c.id), c.label) for c in choices.teams]
        self.list_options = [OptionRow(str(c.id), c.label, c.detail) for c in choices.lists]
        self.template_options = [OptionRow(str(c.id), c.label, c.detail)
                                 for c in choices.templates]
        self.template_slots = {str(k): [str(n) for n in v]
                               for k, v in choices.template_slots.items()}
        self.known_fields, self.sms_price, self.currency = choices.fields, choices.sms_price, \
            choices.currency
        self.number_options = choices.numbers
        self.skill_options = choices.skills

    def _load_history(self, ctx) -> None:
        self.history = [VersionRow(v.number, v.author_name, f"{v.created_at:%d/%m/%Y %H:%M:%S}",
                                   v.note, list(v.changes))
                        for v in campaign_history(ctx, self.campaign_id)]

    def _fill(self, config: dict) -> None:
        for key, value in widget_values(config).items():
            setattr(self, key, value)
        self.editor_key += 1

    def _config(self) -> dict:
        return document_of(self)

    # --- computed views --------------------------------------------------------------------
    @rx.var
    def sms_info(self) -> str:
        length = sms_length(self.sms.get("text", ""))
        return f"{length.encoding} · {length.units} car. · {length.segments}"

    @rx.var
    def sms_cost(self) -> str:
        audience = sum(int(o.detail.split()[0]) for o in self.list_options
                       if o.id in self.lists and o.detail)
        cost = sms_length(self.sms.get("text", "")).segments * audience * self.sms_price
        return f"{cost:,} {self.currency}".replace(",", " ")

    @rx.var
    def unknown_variables(self) -> list[str]:
        texts = [self.sms.get("text", ""), self.email.get("subject", ""),
                 self.email.get("html", ""), self.voice.get("script", "")]
        known = set(self.known_fields) | {"Lien_Desinscription"}
        return [v for t in texts for v in variables_in(t) if v not in known]

    @rx.var
    def wa_slots(self) -> list[str]:
        return self.template_slots.get(self.whatsapp.get("template_id", ""), [])

    @rx.var
    def wa_body(self) -> str:
        return next((o.detail for o in self.template_options
                     if o.id == self.whatsapp.get("template_id", "")), "")

    @rx.var
    def preview_fields(self) -> list[AgentFieldRow]:
        """The form as the agent page renders it (same rows, same component)."""
        return [AgentFieldRow(f.tag or f.label, f.label, f.type, f.required,
                              [o.strip() for o in f.options.split(",") if o.strip()] or ["—"])
                for f in self.fields]

    @rx.var
    def is_new(self) -> bool:
        return self.campaign_id == 0

    # --- field setters ----------------------------------------------------------------------
    @rx.event
    def set_step(self, step: str):
        self.step = step if step in ("A", "B", "C", "D") else "A"

    @rx.event
    def set_frame(self, key: str, value):
        if key in ("name", "description", "timezone", "valid_from", "valid_until", "holidays",
                   "holiday_country", "contact_local_time"):
            setattr(self, key, value if key == "contact_local_time" else str(value)[:2000])

    @rx.event
    def set_band(self, day: int, value: str):
        self.bands[int(day)] = value[:200]

    @rx.event
    def use_preset(self, key: str):
        if key in PRESETS:
            self._fill({**self._config(), **apply_preset(self._config(), key)})
            return rx.toast.info((EN if self.lang == "en" else FR)[f"campaigns.preset.{key}"])

    @rx.event
    def toggle_channel(self, channel: str, value: bool):
        self.enabled = {**self.enabled, channel: bool(value)}

    @rx.event
    def set_slot(self, channel: str, key: str, value: str):
        slot = {"voice": self.voice, "sms": self.sms, "email": self.email,
                "whatsapp": self.whatsapp}.get(channel)
        if slot is not None:
            setattr(self, channel, {**slot, key: str(value)[:100_000]})

    @rx.event
    def set_wa_variable(self, number: str, field: str):
        self.wa_variables = {**self.wa_variables, number: field}

    @rx.event
    def set_fallback(self, which: str, value: str):
        if which == "from":
            self.fallback_from = value
        else:
            self.fallback_to = value

    @rx.event
    def add_form_field(self):
        self.fields.append(FieldRow(label=f"Champ {len(self.fields) + 1}"))

    @rx.event
    def remove_form_field(self, index: int):
        self.fields.pop(int(index))

    @rx.event
    def set_form_field(self, index: int, key: str, value):
        row = self.fields[int(index)]
        if key == "type" and value in FIELD_TYPES or key in ("label", "tag", "options"):
            setattr(row, key, str(value)[:300])
        elif key == "required":
            row.required = bool(value)
        self.fields = list(self.fields)

    @rx.event
    def add_code(self):
        self.codes.append(CodeRow(code=f"CODE_{len(self.codes) + 1}", label=""))

    @rx.event
    def remove_code(self, index: int):
        self.codes.pop(int(index))

    @rx.event
    def set_code(self, index: int, key: str, value: str):
        row = self.codes[int(index)]
        if key in ("code", "label", "action", "template"):
            setattr(row, key, (value.upper().replace(" ", "_") if key == "code" else value)[:120])
        self.codes = list(self.codes)

    @rx.event
    def toggle_choice(self, kind: str, item_id: str, value: bool):
        if kind not in ("agents", "teams", "lists"):
            return
        current = [i for i in getattr(self, kind) if i != item_id]
        setattr(self, kind, current + [item_id] if value else current)

    # --- actions ----------------------------------------------------------------------------
    @rx.event
    def save(self, confirmed: bool = False):
        ctx = self._authorize("campaigns", "save_campaign")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self.confirm_sentences = []
        try:
            if self.campaign_id == 0:
                campaign = create_campaign(ctx, self._config())
                self.error = ""
                return [rx.redirect(f"{EDIT_PAGE}?id={campaign.id}"),
                        rx.toast.success("Brouillon enregistré.")]
            result = save_campaign(ctx, self.campaign_id, self._config(),
                                   confirm_breaking=confirmed)
        except ConfirmationNeeded as exc:
            self.confirm_sentences = exc.sentences
            return None
        except CampaignError as exc:
            self.error = str(exc)
            return rx.toast.error(str(exc))
        self.error, self.version, self.preflight_done = "", result.version, False
        self._load_history(ctx)
        toasts = [rx.toast.success(f"Modifications appliquées (version {result.version}).")]
        return toasts + [rx.toast.warning(w, duration=10_000) for w in result.warnings]

    @rx.event
    def cancel_confirm(self):
        self.confirm_sentences, self.confirm_launch, self.rollback_to = [], False, 0

    @rx.event
    def ask_launch(self):
        ctx = self._authorize("campaigns", "launch_campaign")
        if ctx is None or not self.campaign_id:
            return rx.toast.error("Action non autorisée.")
        try:
            preview = launch_preview(ctx, self.campaign_id)
        except PreflightRefused as exc:
            self.preflight, self.preflight_done = exc.reasons, True
            return rx.toast.error("Lancement refusé : voir la vérification.")
        except CampaignError as exc:
            return rx.toast.error(str(exc))
        self.launch_contacts, self.launch_agents = preview.contacts, preview.agents
        self.launch_channels, self.confirm_launch = preview.channels, True
        return None

    @rx.event
    def launch(self):
        ctx = self._authorize("campaigns", "launch_campaign")
        self.confirm_launch = False
        if ctx is None or not self.campaign_id:
            return rx.toast.error("Action non autorisée.")
        try:
            campaign = launch_campaign(ctx, self.campaign_id)
        except PreflightRefused as exc:
            self.preflight, self.preflight_done = exc.reasons, True
            return rx.toast.error("Lancement refusé : voir la vérification.")
        except CampaignError as exc:
            return rx.toast.error(str(exc))
        self.status, self.preflight, self.preflight_done = campaign.status, [], False
        self.launched = f"{campaign.launched_at:%d/%m/%Y %H:%M} UTC · {campaign.launched_by_name}"
        return rx.toast.success("Campagne propagée : elle est LIVE.")

    @rx.event
    def ask_rollback(self, number: int):
        ctx = self._authorize("campaigns", "rollback_campaign")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            self.rollback_changes = rollback_preview(ctx, self.campaign_id, int(number))
        except CampaignError as exc:
            return rx.toast.error(str(exc))
        self.rollback_to = int(number)
        return None

    @rx.event
    def rollback(self):
        ctx = self._authorize("campaigns", "rollback_campaign")
        number, self.rollback_to = self.rollback_to, 0
        if ctx is None or not number:
            return rx.toast.error("Action non autorisée.")
        try:
            result = rollback_campaign(ctx, self.campaign_id, number)
        except CampaignError as exc:
            return rx.toast.error(str(exc))
        self._fill(result.campaign.config)
        self.version = result.version
        self._load_history(ctx)
        return rx.toast.success(f"Retour à la version {number} (nouvelle version "
                                f"{result.version}).")
