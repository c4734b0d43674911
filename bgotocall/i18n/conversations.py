"""Texts of the conversation console (SMS and WhatsApp) and of the agent panel's badge."""
from __future__ import annotations

_T: dict[str, tuple[str, str]] = {
    "nav.conversations": ("Conversations", "Conversations"),
    "conv.title": ("Conversations", "Conversations"),
    "conv.context": ("Réponses des clients par SMS et WhatsApp, les plus récentes en premier.",
                     "Customer replies by SMS and WhatsApp, most recent first."),
    "conv.empty": ("Aucune conversation pour le moment : les réponses des clients "
                   "apparaîtront ici.",
                   "No conversation yet: customer replies will appear here."),
    "conv.pick": ("Choisissez une conversation dans la liste.",
                  "Pick a conversation from the list."),
    "conv.show_closed": ("Afficher les conversations closes", "Show closed conversations"),
    "conv.campaign": ("Campagne", "Campaign"),
    "conv.agent": ("Agent", "Agent"),
    "conv.unassigned": ("Non affectée", "Unassigned"),
    "conv.assign": ("Réaffecter à…", "Reassign to…"),
    "conv.assign_pool": ("Aux agents de la campagne", "To the campaign's agents"),
    "conv.routing": ("Nouvelles conversations reçues par", "New conversations go to"),
    "conv.close": ("Clore", "Close"),
    "conv.closed": ("Close", "Closed"),
    "conv.composer": ("Votre réponse… ({Prenom} est remplacé par le prénom du client)",
                      "Your answer… ({Prenom} becomes the customer's first name)"),
    "conv.send": ("Envoyer", "Send"),
    "conv.you": ("Client", "Customer"),
    "conv.scheduled": ("Part le", "Leaves on"),
    "conv.back": ("Retour au bandeau", "Back to the panel"),
    "conv.badge": ("messages non lus", "unread messages"),
    "conv.open": ("Ouvrir les conversations", "Open conversations"),
    "conv.window_open": ("Fenêtre de réponse ouverte jusqu'à", "Reply window open until"),
    "conv.template": ("Choisir un modèle approuvé…", "Pick an approved template…"),
    "conv.template_fields": ("Champs des variables : Prenom, Nom…",
                             "Fields of the variables: Prenom, Nom…"),
    "conv.send_template": ("Envoyer le modèle", "Send the template"),
    "conv.no_template": ("Aucun modèle WhatsApp approuvé : demandez à un superviseur d'en "
                         "soumettre un.", "No approved WhatsApp template: ask a supervisor "
                         "to submit one."),
    "conv.attach": ("Joindre", "Attach"),
    "conv.attach_refused": ("Joignez une image (JPEG, PNG, WebP) ou un PDF de 5 Mo au plus.",
                            "Attach an image (JPEG, PNG, WebP) or a PDF of 5 MB at most."),
}

FR = {k: v[0] for k, v in _T.items()}
EN = {k: v[1] for k, v in _T.items()}
