"""Qualifying a call (UC-VO-03): « Valider » in the agent's post-call work.

Refused while a required field of the campaign's form is empty (every error at once, in French);
otherwise the code, the answers and the comment are stored on the interaction (and the answers in
`form_answer`, kept whatever the form becomes), the code's automatic action runs — RAPPEL schedules
the callback (the next attempt of the contact, due at the chosen time, for this agent or the team),
NE PLUS APPELER blacklists the number, « Envoyer un email » / « Envoyer un SMS » (e.g. VENTE sends
the confirmation email) queues one attempt with the code's text for the contact, in the same
transaction, which the sending engine sends like any campaign message
(services/messaging/qualification_actions.py; a contact without the address gets none) — and
the agent is ready again, so the dialer calls the next contact with no other action from them.
"""
from __future__ import annotations

from datetime import datetime, timezone

from services.audience.blacklist import record_opt_out
from services.campaigns.config import default_config, normalized
from services.campaigns.forms import check_answer
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.messaging.qualification_actions import MESSAGE_ACTIONS, queue_action
from services.models.campaigns import Campaign, FormAnswer
from services.models.columns import utcnow
from services.models.interactions import Interaction, InteractionStatus
from services.voice.availability import become_ready
from services.voice.dialer import schedule_attempt

COMMENT_KEY = "commentaire"
CALLBACK_CODES, BLACKLIST_CODES = {"RAPPEL"}, {"NE_PLUS_APPELER"}


class QualificationError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _action(code: dict) -> str:
    if code.get("action") == "callback" or code["code"] in CALLBACK_CODES:
        return "callback"
    if code.get("action") == "blacklist" or code["code"] in BLACKLIST_CODES:
        return "blacklist"
    return code.get("action", "")


def call_codes(config: dict | None) -> list[dict]:
    """The codes an agent chooses from: the campaign's; for a call of no campaign (an inbound call routed
    to the general queue), the default codes whose action needs no campaign (no callback to dial from)."""
    if config is not None:
        return config["codes"]
    return [c for c in default_config()["codes"] if _action(c) not in ("callback", *MESSAGE_ACTIONS)]


def qualify(ctx: AuthContext, interaction_id: int, code: str, answers: dict, comment: str = "",
            callback_at: datetime | None = None, callback_personal: bool = True) -> Interaction:
    access_area(ctx, "agent_panel")
    now = utcnow()
    with tenant_session(ctx) as session:
        row = session.get(Interaction, interaction_id, with_for_update=True)
        if row is None or row.agent_id != ctx.user_id:
            raise PermissionError("Cet appel ne vous est pas attribué.")
        if row.status != InteractionStatus.ENDED.value or not row.answered_at:
            raise QualificationError({"_": "Cet appel ne peut pas (ou plus) être qualifié."})
        campaign = session.get(Campaign, row.campaign_id) if row.campaign_id else None
        config = normalized(campaign.config) if campaign else None
        fields = config["form"]["fields"] if config else []
        chosen = next((c for c in call_codes(config) if c["code"] == code), None)
        errors = {f["key"]: message for f in fields if (message := check_answer(f, answers.get(f["key"])))}
        if chosen is None:
            errors["_code"] = "Choisissez un code de qualification."
        elif _action(chosen) == "callback" and callback_at is None:
            errors["_callback"] = "Choisissez la date et l'heure du rappel."
        elif callback_at is not None and callback_at.astimezone(timezone.utc) <= now and _action(chosen) == "callback":
            errors["_callback"] = "Le rappel doit être dans le futur."
        if errors:
            raise QualificationError(errors)
        keys = {f["key"] for f in fields}
        kept = {k: v for k, v in answers.items() if k in keys}
        row.qualification, row.form_answers = code, {**kept, **({COMMENT_KEY: comment.strip()} if comment.strip() else {})}
        row.status, row.wrapup_ended_at, row.updated_at = InteractionStatus.WRAPPED_UP.value, now, now
        session.add(row)
        for key, value in kept.items():
            session.add(FormAnswer(campaign_id=campaign.id, field_key=key, contact_id=row.contact_id,
                                   agent_id=ctx.user_id, value=str(value)[:4000], form_version=campaign.version))
        if campaign and _action(chosen) in MESSAGE_ACTIONS:
            queue_action(session, row, campaign, config, chosen, ctx.tenant_id)
        session.commit()
        session.refresh(row)
    action = _action(chosen)
    if action == "callback":
        schedule_attempt(ctx.tenant_id, row, callback_at, agent_id=ctx.user_id if callback_personal else None,
                         reason="Rappel planifié par l'agent.")
    elif action == "blacklist":
        record_opt_out(ctx, phone=row.address, channel="TOUS", source="AGENT_DISPOSITION",
                       note=f"Code {code} ({f'campagne {campaign.name}' if campaign else 'appel entrant'})")
    become_ready(ctx)
    return row
