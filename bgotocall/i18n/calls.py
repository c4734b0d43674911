"""Texts of the call on the agent's panel: screen pop, post-call form, qualification (UC-VO-01, UC-VO-03)."""
from __future__ import annotations

FR: dict[str, str] = {
    "call.phase.ringing": "Appel entrant — décrochez",
    "call.phase.answered": "En communication",
    "call.phase.ended": "Post-appel : qualifiez l'appel",
    "call.history": "Derniers échanges",
    "call.script": "Script",
    "call.form": "Formulaire",
    "call.code": "Code de qualification",
    "call.callback": "Rappel (date et heure)",
    "call.callback.personal": "Rappel personnel",
    "call.comment": "Commentaire",
    "call.validate": "Valider",
    "call.phase.preview": "Fiche proposée : appelez ou passez",
    "call.preview.call": "Appeler",
    "call.preview.skip": "Passer",
    "call.preview.reason": "Motif pour passer la fiche",
    "call.preview.reason.placeholder": "ex. Déjà client, numéro d'entreprise…",
}

EN: dict[str, str] = {
    "call.phase.ringing": "Incoming call — pick up",
    "call.phase.answered": "In call",
    "call.phase.ended": "Wrap-up: qualify the call",
    "call.history": "Recent contacts",
    "call.script": "Script",
    "call.form": "Form",
    "call.code": "Qualification code",
    "call.callback": "Callback (date and time)",
    "call.callback.personal": "Personal callback",
    "call.comment": "Comment",
    "call.validate": "Validate",
    "call.phase.preview": "Record offered: call or skip",
    "call.preview.call": "Call",
    "call.preview.skip": "Skip",
    "call.preview.reason": "Reason for skipping the record",
    "call.preview.reason.placeholder": "e.g. Already a customer, business number…",
}
