"""Texts of a campaign's sending page (UC-DG-01..04): counters and what did not go out."""
from __future__ import annotations

_T: dict[str, tuple[str, str]] = {
    "sending.title": ("Envois de la campagne", "Campaign sending"),
    "sending.context": ("Compteurs par canal et messages non envoyés, avec la raison.",
                        "Counters per channel and the messages not sent, with the reason."),
    "sending.refresh": ("Actualiser", "Refresh"),
    "sending.back": ("Retour aux campagnes", "Back to campaigns"),
    "sending.paused": ("Campagne en pause", "Campaign paused"),
    "sending.col.channel": ("Canal", "Channel"),
    "sending.col.total": ("Tentatives", "Attempts"),
    "sending.col.waiting": ("En attente", "Waiting"),
    "sending.col.sent": ("Envoyés", "Sent"),
    "sending.col.delivered": ("Distribués", "Delivered"),
    "sending.col.read": ("Lus", "Read"),
    "sending.col.clicked": ("Cliqués", "Clicked"),
    "sending.col.failed": ("Échecs", "Failed"),
    "sending.col.opted_out": ("Désinscrits", "Opted out"),
    "sending.col.progress": ("Progression", "Progress"),
    "sending.not_sent": ("Non envoyés et pourquoi", "Not sent, and why"),
    "sending.col.address": ("Destinataire", "Recipient"),
    "sending.col.status": ("État", "Status"),
    "sending.col.reason": ("Raison", "Reason"),
    "sending.col.when": ("Date", "Date"),
    "sending.none": ("Aucun envoi pour l'instant.", "Nothing sent yet."),
    "sending.all_sent": ("Tout est parti : aucun message en échec ou en attente d'une raison.",
                         "Everything went out: no message failed or waits for a reason."),
    "sending.action": ("Envois", "Sending"),
}
FR = {k: v[0] for k, v in _T.items()}
EN = {k: v[1] for k, v in _T.items()}
