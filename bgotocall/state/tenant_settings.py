"""Paramètres (admin): company profile, phone numbers, SIP trunk, operating and messaging settings.

Each handler checks the role on the server, then calls one services function."""
from __future__ import annotations

import reflex as rx

from bgotocall.state.session import SessionState
from services.tenant_settings import (
    company_profile, messaging_settings, operating_settings, save_company_profile,
    save_messaging_settings, save_operating_settings,
)
from services.voice.phone_numbers import (
    CODECS, LineError, NumberView, campaign_names, delete_number, list_numbers, save_number,
    save_trunk, sip_trunk,
)

_DENIED = "Action non autorisée."
_CHECK = "Vérifiez les champs signalés."


class TenantSettingsState(SessionState):
    tab: str = "company"
    company: dict[str, str] = {}
    operations: dict[str, str] = {}
    messaging: dict[str, str] = {"email_provider": "sendgrid", "stop_confirmation": ""}
    numbers: list[NumberView] = []
    campaigns: list[list[str]] = []          # [id, name] for the selects and checkboxes
    trunk: dict[str, str] = {}
    trunk_codecs: list[str] = []
    errors: dict[str, str] = {}
    number_open: bool = False
    deleting_id: int = 0
    deleting_number: str = ""

    @rx.event
    def load(self):
        ctx = self._authorize("tenant_settings", "load_settings")
        if ctx is None:
            return
        p = company_profile(ctx)
        self.company = {"legal_name": p.legal_name, "address": p.address, "city": p.city,
                        "niu": p.niu, "rccm": p.rccm, "vat_number": p.vat_number}
        o = operating_settings(ctx)
        self.operations = {"timezone": o.timezone, "default_country": o.default_country,
                           "pause_reasons": "\n".join(o.pause_reasons),
                           "max_wrapup_seconds": str(o.max_wrapup_seconds),
                           "recording_retention_days": str(o.recording_retention_days)}
        m = messaging_settings(ctx)
        self.messaging = {"email_provider": m.email_provider,
                          "stop_confirmation": "1" if m.stop_confirmation else ""}
        self.numbers = list_numbers(ctx)
        self.campaigns = [[str(k), v] for k, v in campaign_names(ctx).items()]
        trunk = sip_trunk(ctx)
        self.trunk = ({"host": trunk.host, "port": str(trunk.port), "username": trunk.username}
                      if trunk else {"host": "", "port": "5060", "username": ""})
        self.trunk_codecs = trunk.codecs if trunk else ["alaw", "ulaw"]
        self.errors = {}

    @rx.event
    def set_tab(self, tab: str):
        self.tab, self.errors = tab, {}

    @rx.event
    def save_company(self, form: dict):
        ctx = self._authorize("tenant_settings", "save_company_profile")
        if ctx is None:
            return rx.toast.error(_DENIED)
        self.errors = save_company_profile(ctx, *(str(form.get(k, "")) for k in (
            "legal_name", "address", "city", "niu", "rccm", "vat_number")))
        if self.errors:
            return rx.toast.error(_CHECK)
        self.load()
        return rx.toast.success("Profil de l'entreprise enregistré.")

    @rx.event
    def save_operations(self, form: dict):
        ctx = self._authorize("tenant_settings", "save_operating_settings")
        if ctx is None:
            return rx.toast.error(_DENIED)
        self.errors = save_operating_settings(ctx, *(str(form.get(k, "")) for k in (
            "timezone", "default_country", "pause_reasons", "max_wrapup_seconds",
            "recording_retention_days")))
        if self.errors:
            return rx.toast.error(_CHECK)
        self.load()
        return rx.toast.success("Paramètres d'exploitation enregistrés : ils s'appliquent dès maintenant.")

    @rx.event
    def save_messaging(self, form: dict):
        ctx = self._authorize("tenant_settings", "save_messaging_settings")
        if ctx is None:
            return rx.toast.error(_DENIED)
        self.errors = save_messaging_settings(ctx, str(form.get("email_provider", "")),
                                              form.get("stop_confirmation") in ("on", True, "true"))
        if self.errors:
            return rx.toast.error(_CHECK)
        self.load()
        return rx.toast.success("Paramètres de messagerie enregistrés : ils s'appliquent dès maintenant.")

    @rx.event
    def open_number(self, opened: bool):
        self.number_open, self.errors = opened, {}

    @rx.event
    def add_number(self, form: dict):
        ctx = self._authorize("tenant_settings", "save_number")
        if ctx is None:
            return rx.toast.error(_DENIED)
        shown = [int(k[len("caller_id_"):]) for k, v in form.items()
                 if k.startswith("caller_id_") and v and k[len("caller_id_"):].isdigit()]
        route = str(form.get("route_campaign_id", "0"))
        self.errors = save_number(ctx, None, str(form.get("number", "")), str(form.get("label", "")),
                                  shown, int(route) if route.isdigit() else 0)
        if self.errors:
            return rx.toast.error(_CHECK)
        self.load()
        self.number_open = False
        return rx.toast.success("Numéro enregistré et transmis au standard.")

    @rx.event
    def ask_delete(self, number_id: int, number: str):
        self.deleting_id, self.deleting_number = number_id, number

    @rx.event
    def cancel_delete(self, opened: bool = False):
        if not opened:
            self.deleting_id, self.deleting_number = 0, ""

    @rx.event
    def confirm_delete(self):
        ctx = self._authorize("tenant_settings", "delete_number")
        if ctx is None:
            return rx.toast.error(_DENIED)
        try:
            delete_number(ctx, self.deleting_id)
        except LineError:
            return rx.toast.error("Ce numéro n'existe plus.")
        finally:
            self.deleting_id, self.deleting_number = 0, ""
        self.load()
        return rx.toast.success("Numéro supprimé.")

    @rx.event
    def save_trunk(self, form: dict):
        ctx = self._authorize("tenant_settings", "save_trunk")
        if ctx is None:
            return rx.toast.error(_DENIED)
        codecs = [c for c in CODECS if form.get(f"codec_{c}")]
        self.errors = save_trunk(ctx, str(form.get("host", "")), str(form.get("port", "")),
                                 str(form.get("username", "")), str(form.get("password", "")),
                                 codecs)
        if self.errors:
            return rx.toast.error(_CHECK)
        self.load()
        return rx.toast.success("Trunk SIP enregistré et transmis au standard.")
