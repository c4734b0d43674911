"""The screen pop: what the agent's panel shows as soon as their phone rings for a dialled call.

One payload (a dialled or an inbound call), built once per call by the bridge and carried by the live event (DESIGN.md 6: the tab
reads no database to show it): the contact card (identity, the list's fields, the last interactions
on every channel), the campaign's script with the contact's values filled in, its form fields (pre-filled
with the contact's last answers in this campaign) and its qualification codes.
"""
from __future__ import annotations

from sqlalchemy import select

from services.campaigns.config import normalized, render, safe_html
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.models.audience import ContactRecord
from services.models.campaigns import Campaign
from services.models.interactions import Interaction
from services.voice.qualification import call_codes

HISTORY = 5
STATUS_LABELS = {"QUEUED": "Planifié", "SENDING": "En cours", "SENT": "Envoyé", "DELIVERED": "Délivré",
                 "READ": "Lu", "CLICKED": "Cliqué", "FAILED": "Échec", "CANCELLED": "Annulé", "RECEIVED": "Reçu",
                 "RINGING": "Sonnerie", "ANSWERED": "Répondu", "ENDED": "Terminé", "WRAPPED_UP": "Qualifié"}


def contact_values(contact: ContactRecord) -> dict[str, str]:
    """The {Variables} of a contact: the standard fields, then the list's own fields."""
    values = {str(k): str(v) for k, v in (contact.extra or {}).items()}
    values.update(Nom=contact.nom, Prenom=contact.prenom, Telephone=contact.telephone, Email=contact.email,
                  Identifiant=contact.identifiant)
    return values


def contact_touches(session, contact_id: int | None, address: str, limit: int = HISTORY,
                    exclude: int | None = None) -> list[Interaction]:
    """The contact's last touches on every channel, newest first: calls, campaign messages and
    conversation messages either way. Without a contact id, those of its address."""
    who = (Interaction.contact_id == contact_id) if contact_id else (Interaction.address == address)
    return list(session.execute(
        select(Interaction).where(who, Interaction.id != (exclude or 0),
                                  Interaction.status.not_in(["QUEUED", "CANCELLED"]))
        .order_by(Interaction.queued_at.desc()).limit(limit)).scalars().all())


def history_lines(rows: list[Interaction]) -> list[dict]:
    """The history as the screen pop and the conversation console show it (with texts)."""
    return [{"when": f"{h.queued_at:%d/%m/%Y %H:%M}", "channel": h.channel,
             "status": STATUS_LABELS.get(h.status, h.status), "code": h.qualification,
             "direction": h.direction, "text": h.body[:160] if h.channel != "EMAIL" else ""}
            for h in rows]


def contact_history(session, contact_id: int | None, address: str, limit: int = HISTORY) -> list[dict]:
    return history_lines(contact_touches(session, contact_id, address, limit))


def screen_pop(tenant_id: int, interaction_id: int) -> dict:
    """The pop of a dialled or an inbound call (an inbound call routed to no campaign: the card alone)."""
    with tenant_session(system_context(tenant_id)) as session:
        call = session.get(Interaction, interaction_id)
        campaign = session.get(Campaign, call.campaign_id) if call.campaign_id else None
        contact = session.execute(select(ContactRecord).where(  # the list is the partition key
            ContactRecord.list_id == call.list_id, ContactRecord.id == call.contact_id)).scalars().first()
        rows = contact_touches(session, call.contact_id, call.address, exclude=call.id)
    config = normalized(campaign.config) if campaign else None
    values = contact_values(contact) if contact else {"Telephone": call.address}
    keys = {f["key"] for f in config["form"]["fields"]} if config else set()
    known = next((h.form_answers for h in rows if h.campaign_id == call.campaign_id and h.form_answers), {})
    return {
        "interaction_id": call.id, "campaign_id": campaign.id if campaign else 0,
        "campaign": campaign.name if campaign else "Appel entrant", "direction": call.direction,
        "known": contact is not None,
        "contact": {"name": f"{values.get('Prenom', '')} {values.get('Nom', '')}".strip() or call.address,
                    "phone": call.address, "email": values.get("Email", ""),
                    "fields": [{"label": k, "value": v} for k, v in values.items()
                               if v and k not in ("Nom", "Prenom", "Telephone", "Email")]},
        "history": history_lines(rows),
        "script": safe_html(render(config["channels"]["voice"]["script"], values)) if config else "",
        "fields": config["form"]["fields"] if config else [],
        "codes": [{"code": c["code"], "label": c["label"]} for c in call_codes(config)],
        "timezone": config["timezone"] if config else "UTC",
        "answers": {k: str(v) for k, v in known.items() if k in keys},   # a known caller's form, pre-filled
    }


def agent_current_call(ctx: AuthContext) -> dict | None:
    """The agent's call in progress or waiting for its qualification (a reloaded panel shows it again)."""
    access_area(ctx, "agent_panel")
    with tenant_session(ctx) as session:
        row = session.execute(select(Interaction).where(
            Interaction.agent_id == ctx.user_id, Interaction.channel == "VOIX",
            Interaction.status.in_(["RINGING", "ANSWERED", "ENDED"])
            | ((Interaction.status == "SENDING") & (Interaction.outcome == "preview")))
            .order_by(Interaction.id.desc()).limit(1)).scalars().first()
    if row is None or (row.status == "ENDED" and not row.answered_at):
        return None
    phase = {"SENDING": "preview", "RINGING": "ringing", "ANSWERED": "answered", "ENDED": "ended"}[row.status]
    return {**screen_pop(ctx.tenant_id, row.id), "phase": phase}
