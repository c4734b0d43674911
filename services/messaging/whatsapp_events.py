"""What Meta's WhatsApp webhooks mean for us (the route verified their signature already).

One webhook carries entries of changes; each change is one of:
- `messages` with `statuses`: news of a message we sent. Its `biz_opaque_callback_data`
  is our attempt key ("tenant:attempt"); the attempt moves through
  services/messaging/progress.py, so a replayed or out-of-order status ends in one final
  state. A status without our key (a message not sent by the engine) is matched by its
  wamid among the interactions of the tenants of that business number.
- `messages` with `messages`: the customer wrote. A STOP (services/messaging/opt_out.py)
  blacklists them; anything else goes to the conversation console
  (services/conversations.receive_inbound), whose composer follows WhatsApp's 24-hour
  rule (services/messaging/whatsapp_window.py).
- `message_template_status_update`: Meta's decision on a submitted template, written to
  the registry of the tenants of that WhatsApp Business Account.

Which tenant: a tenant with its own business number is named by it; on the platform's
shared number, the tenants that wrote to this customer on WhatsApp.
"""
from __future__ import annotations

import logging
from sqlalchemy import select

from services.campaigns.whatsapp_templates import apply_meta_decision
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.opt_out import active_tenants, receive_message, tenants_that_wrote_to
from services.messaging.progress import advance, announce, provider_status
from services.models.interactions import Channel, FailureClass, Interaction
from services.providers.whatsapp import e164
from services.providers.whatsapp.account import account_of, tenants_with_own_number

log = logging.getLogger("services.messaging.whatsapp_events")

FAILURES = {
    131047: "Hors de la fenêtre de 24 h : WhatsApp n'accepte plus qu'un modèle approuvé "
            "(Meta 131047).",
    131026: "Non distribué : ce numéro ne peut pas recevoir de messages WhatsApp "
            "(Meta 131026).",
}


def handle(payload: dict) -> dict[str, int]:
    """Every change of one webhook; returns what was done (for logs and tests)."""
    done: dict[str, int] = {}
    if payload.get("object") != "whatsapp_business_account":
        return done
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value, field = change.get("value") or {}, change.get("field")
            if field == "message_template_status_update":
                outcome = _template_decision(str(entry.get("id", "")), value)
                done[outcome] = done.get(outcome, 0) + 1
            elif field == "messages":
                number_id = (value.get("metadata") or {}).get("phone_number_id", "")
                for status in value.get("statuses") or []:
                    outcome = apply_status(number_id, status)
                    done[outcome] = done.get(outcome, 0) + 1
                for message in value.get("messages") or []:
                    outcome = receive(number_id, message, value.get("contacts") or [])
                    done[outcome] = done.get(outcome, 0) + 1
    return done


def tenants_of_number(number_id: str) -> list[int] | None:
    """The tenant of its own number ([id]); None for the platform's shared number."""
    own = tenants_with_own_number().get(number_id)
    return [own] if own else None


# -- statuses ---------------------------------------------------------------------------

def _failure_reason(errors: list[dict]) -> str:
    error = (errors or [{}])[0]
    code = error.get("code")
    return FAILURES.get(code) or (f"Non distribué par WhatsApp (Meta {code} : "
                                  f"{error.get('title') or error.get('message') or 'erreur'}).")


def _attempt_of(key: str) -> tuple[int, int] | None:
    tenant, _, attempt = (key or "").partition(":")
    if tenant.isdigit() and attempt.isdigit():
        return int(tenant), int(attempt)
    return None


def apply_status(number_id: str, status: dict) -> str:
    word = (status.get("status") or "").lower()
    if word not in ("sent", "delivered", "read", "failed"):
        return "ignored"
    ours = _attempt_of(status.get("biz_opaque_callback_data", ""))
    failed = word == "failed"
    news = dict(provider="meta", provider_id=status.get("id", ""), outcome=word,
                failure_class=FailureClass.PERMANENT.value if failed else "",
                failure_reason=_failure_reason(status.get("errors") or []) if failed else "")
    if ours is None:
        return _status_by_wamid(number_id, provider_status(word), news)
    tenant_id, attempt_id = ours
    if account_of(tenant_id).phone_number_id != number_id:
        return "other-number"  # not a message this tenant sent from that number
    try:
        with tenant_session(system_context(tenant_id)) as s:
            row = advance(s, attempt_id, provider_status(word), **news)
    except PermissionError:
        return "unknown-tenant"
    if row is None:
        return "unknown"
    announce(tenant_id, [row.campaign_id])
    return row.status


def _status_by_wamid(number_id: str, status: str, news: dict) -> str:
    for tenant_id in tenants_of_number(number_id) or active_tenants():
        with tenant_session(system_context(tenant_id)) as s:
            attempt_id = s.execute(select(Interaction.id).where(
                Interaction.provider == "meta",
                Interaction.provider_id == news["provider_id"])).scalar()
            row = advance(s, attempt_id, status, **news) if attempt_id is not None else None
        if row is not None:
            announce(tenant_id, [row.campaign_id])
            return row.status
    return "unknown"


# -- inbound messages -------------------------------------------------------------------

def _content(message: dict) -> tuple[str, list[dict]]:
    """(text, media) of an inbound message. Meta gives a media id, not a public link: the
    console fetches it through the adapter (CloudApiGateway.download_media)."""
    kind = message.get("type", "")
    if kind == "text":
        return (message.get("text") or {}).get("body", ""), []
    if kind == "button":
        return (message.get("button") or {}).get("text", ""), []
    if kind in ("image", "document", "audio", "video", "sticker"):
        media = message.get(kind) or {}
        return media.get("caption", ""), [{
            "type": kind, "url": "", "name": media.get("filename", "") or kind,
            "mime_type": media.get("mime_type", ""), "meta_media_id": media.get("id", "")}]
    return "", []


def receive(number_id: str, message: dict, contacts: list[dict]) -> str:
    """A customer's message: a STOP blacklists them (and closes their open conversation);
    anything else goes to the conversation console, once per wamid however often Meta
    delivers the webhook."""
    phone = e164(message.get("from", ""))
    text, media = _content(message)
    tenants = tenants_of_number(number_id) or tenants_that_wrote_to(
        phone, Channel.WHATSAPP.value)
    if not tenants:
        return "no-tenant"
    stop = receive_message(tenants, Channel.WHATSAPP, phone, number_id, text,
                           message.get("id", ""), media)
    return "stop" if stop else "message"


# -- templates --------------------------------------------------------------------------

def _template_decision(waba_id: str, value: dict) -> str:
    template_id = str(value.get("message_template_id", ""))
    applied = False
    for tenant_id in active_tenants():
        if account_of(tenant_id).waba_id != waba_id:
            continue
        applied = apply_meta_decision(tenant_id, template_id, value.get("event", ""),
                                      value.get("reason", "")) or applied
    return "template" if applied else "unknown-template"
