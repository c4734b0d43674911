"""Texts of the super admin console (switches, price list, provisioning) and the admin's home."""
from __future__ import annotations

_ITEMS_FR = {"seat": "Siège agent (par mois)", "voice_minute": "Minute voix", "sms": "SMS",
             "email": "Email", "whatsapp": "Message WhatsApp"}
_ITEMS_EN = {"seat": "Agent seat (per month)", "voice_minute": "Voice minute", "sms": "SMS",
             "email": "Email", "whatsapp": "WhatsApp message"}

FR: dict[str, str] = {
    **{f"sa.item.{k}": v for k, v in _ITEMS_FR.items()},
    "sa.options": "Paramètres plateforme",
    "sa.free_mail_hint": "Sinon, seules les adresses professionnelles peuvent créer une instance.",
    "sa.private_sources": "Autoriser les bases de contacts distantes sur des adresses internes",
    "sa.private_sources_hint": "Réseaux privés et serveur local : à réserver aux installations sur site.",
    "sa.price_unit_whole": "Montants en francs entiers, hors taxes",
    "sa.price_unit_cents": "Montants hors taxes, deux décimales au plus (ex. 0,05)",
    "sa.step_done": "Terminée",
    "sa.step_failed": "Échec",
    "sa.step_pending": "En attente",
    "sa.updated": "Mise à jour",
    "sa.refresh": "Actualiser",
    "dash.wallet": "Solde du Smart Wallet",
    "dash.topup": "Recharger",
    "dash.usage": "Consommation du mois par canal",
    "dash.no_usage": "Aucune consommation ce mois-ci.",
    "dash.invoices": "Dernières factures",
    "dash.all_invoices": "Toutes les factures",
    "dash.no_invoices": "Aucune facture pour l'instant.",
    "dash.pending_title": "Votre instance attend son paiement",
    "dash.pending_text": "Choisissez vos canaux et le nombre d'agents, puis réglez en ligne pour activer votre instance.",
    "dash.pending_action": "Finaliser ma commande",
}

EN: dict[str, str] = {
    **{f"sa.item.{k}": v for k, v in _ITEMS_EN.items()},
    "sa.options": "Platform settings",
    "sa.free_mail_hint": "Otherwise only business addresses can create an instance.",
    "sa.private_sources": "Allow remote contact databases on internal addresses",
    "sa.private_sources_hint": "Private networks and the local server: for on-premises installs only.",
    "sa.price_unit_whole": "Whole francs, excluding tax",
    "sa.price_unit_cents": "Excluding tax, at most two decimals (e.g. 0.05)",
    "sa.step_done": "Done",
    "sa.step_failed": "Failed",
    "sa.step_pending": "Pending",
    "sa.updated": "Updated",
    "sa.refresh": "Refresh",
    "dash.wallet": "Smart Wallet balance",
    "dash.topup": "Top up",
    "dash.usage": "This month's usage by channel",
    "dash.no_usage": "No usage this month.",
    "dash.invoices": "Latest invoices",
    "dash.all_invoices": "All invoices",
    "dash.no_invoices": "No invoice yet.",
    "dash.pending_title": "Your instance is waiting for payment",
    "dash.pending_text": "Choose your channels and number of agents, then pay online to activate your instance.",
    "dash.pending_action": "Complete my order",
}
