"""SendGrid's Event Webhook applied to our attempts (the route verifies the signature first).

Each event names our attempt through the custom_args we sent ("attempt": "<tenant>:<id>");
events without it (mails that are not campaign attempts) are ignored. The attempt moves by
the engine's one rule (progress.advance), so a replayed or out-of-order event ends in the
same final state:
processed → SENT, delivered → DELIVERED, bounce / dropped → FAILED (permanent), open → READ,
click → CLICKED, deferred → nothing (SendGrid retries); unsubscribe, group_unsubscribe and
spamreport blacklist the recipient (audit line) and cancel their queued attempts.
"""
from __future__ import annotations

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.opt_out import record_contact_opt_out
from services.messaging.progress import advance, announce
from services.models.audience import OptOutChannel, OptOutSource
from services.models.interactions import Channel, FailureClass, Interaction, InteractionStatus as S

STATUSES = {"processed": S.SENT.value, "delivered": S.DELIVERED.value,
            "bounce": S.FAILED.value, "dropped": S.FAILED.value, "open": S.READ.value,
            "click": S.CLICKED.value}
OPT_OUTS = {"unsubscribe": "Désinscrit depuis le lien de SendGrid.",
            "group_unsubscribe": "Désinscrit depuis le lien de SendGrid.",
            "spamreport": "Email signalé comme spam par le destinataire."}


def attempt_of(event: dict) -> tuple[int, int] | None:
    tenant, _, attempt = str(event.get("attempt", "")).partition(":")
    if not (tenant.isdigit() and attempt.isdigit()):
        return None
    return int(tenant), int(attempt)


def _failure_reason(event: dict) -> str:
    detail = event.get("reason") or event.get("response") or ""
    word = "Rejeté (bounce)" if event.get("event") == "bounce" else "Abandonné par SendGrid"
    return f"{word} : {detail}".strip(" :")


def apply_event(event: dict) -> str:
    """One event; returns what became of it (for the response and the tests)."""
    found = attempt_of(event)
    kind = str(event.get("event", ""))
    if found is None:
        return "ignored"
    tenant_id, attempt_id = found
    if kind in OPT_OUTS:
        email = str(event.get("email", ""))
        record_contact_opt_out(tenant_id, email=email, channel=OptOutChannel.EMAIL,
                               source=OptOutSource.UNSUBSCRIBE_LINK,
                               note=f"SendGrid {kind} (tentative {attempt_id})",
                               reason=OPT_OUTS[kind])
        return "opted-out"
    status = STATUSES.get(kind)
    if status is None:
        return "ignored"
    failed = status == S.FAILED.value
    with tenant_session(system_context(tenant_id)) as s:
        attempt = s.get(Interaction, attempt_id)
        if attempt is None or attempt.channel != Channel.EMAIL.value:
            return "unknown"
        row = advance(s, attempt_id, status, provider="sendgrid",
                      provider_id=str(event.get("sg_message_id", "")).partition(".")[0][:64],
                      outcome=kind, failure_class=FailureClass.PERMANENT.value if failed else "",
                      failure_reason=_failure_reason(event) if failed else "")
    announce(tenant_id, [row.campaign_id])
    return row.status
