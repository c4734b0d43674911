"""Interaction rows for reporting tests, written as the engines write them (DESIGN.md 6b).

The dialer and the messaging engine fill the table in production; reporting tests only need
rows with known timestamps, so they are inserted here directly, one dict per row.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign
from services.db.tenancy import tenant_session
from services.models.campaigns import Campaign
from services.models.interactions import Interaction

CODES = ("VENTE", "RAPPEL", "REFUS", "NUMERO_INVALIDE", "")


def add_interactions(ctx, rows: list[dict]) -> list[int]:
    with tenant_session(ctx) as session:
        objects = [Interaction(**row) for row in rows]
        session.add_all(objects)
        session.flush()
        return [o.id for o in objects]


def new_report_campaign(ctx, name: str = "Relance", contacts_total: int = 0,
                        timezone_name: str = "Africa/Douala") -> int:
    config = default_config(name)
    config["timezone"] = timezone_name
    config["form"]["fields"] = [{"key": "montant", "label": "Montant", "type": "number",
                                 "required": False, "options": [], "tag": ""}]
    campaign_id = create_campaign(ctx, config).id
    with tenant_session(ctx) as session:  # what the launch computes from the lists
        session.get(Campaign, campaign_id).contacts_total = contacts_total
    return campaign_id


def production_day(campaign_id: int, agents: list[int], day_start: datetime, count: int,
                   seed: int = 7) -> list[dict]:
    """A varied day: outbound and inbound calls with every outcome, messages at every stage."""
    rnd = random.Random(seed)
    rows = []
    for n in range(count):
        at = day_start + timedelta(seconds=rnd.randrange(0, 20 * 3600))
        # ids far above the imported contacts' (the fake ones have no contact row)
        row = dict(campaign_id=campaign_id, contact_id=10_000_000 + n, list_id=None, queued_at=at,
                   address=f"+2376{n:08d}", step=0)
        kind = rnd.random()
        if kind < 0.55:
            row.update(_call(rnd, at, agents, inbound=kind < 0.15))
        else:
            row.update(_message(rnd, at, rnd.choice(("SMS", "EMAIL", "WHATSAPP"))))
        rows.append(row)
    return rows


def _call(rnd, at, agents, inbound: bool) -> dict:
    row = dict(channel="VOIX", direction="IN" if inbound else "OUT", slot="voice",
               agent_id=rnd.choice(agents), ringing_at=at + timedelta(seconds=2))
    fate = rnd.random()
    if fate < 0.1:
        return {**row, "status": "QUEUED", "ringing_at": None}
    if fate < 0.3:  # busy / no answer / abandoned
        return {**row, "status": "ENDED", "ended_at": at + timedelta(seconds=rnd.randint(5, 60)),
                "outcome": rnd.choice(("busy", "no-answer"))}
    answered = at + timedelta(seconds=rnd.randint(1, 45))
    ended = answered + timedelta(seconds=rnd.randint(20, 600))
    wrapped = ended + timedelta(seconds=rnd.randint(0, 90)) if fate < 0.8 else None
    comment = rnd.choice(("", "Client intéressé", "=HYPERLINK(\"http://x\")"))
    return {**row, "status": "WRAPPED_UP" if wrapped else "ENDED", "answered_at": answered,
            "ended_at": ended, "wrapup_ended_at": wrapped, "qualification": rnd.choice(CODES),
            "form_answers": {"montant": str(rnd.randint(0, 50) * 1000), "comment": comment},
            "cost_amount": rnd.randint(10, 200), "cost_currency": "XAF"}


def _message(rnd, at, channel: str) -> dict:
    row = dict(channel=channel, direction="OUT", slot=channel.lower(),
               cost_amount=rnd.randint(5, 30), cost_currency="XAF", body="Bonjour")
    stage = rnd.randint(0, 6)
    if stage == 0:
        return {**row, "status": "QUEUED", "cost_amount": 0, "cost_currency": ""}
    if stage == 1:
        return {**row, "status": "FAILED", "failed_at": at, "failure_class": "PERMANENT",
                "failure_reason": "Numéro invalide"}
    if stage == 2:
        return {**row, "status": "CANCELLED", "failure_class": "BLACKLIST", "cost_amount": 0,
                "cost_currency": "", "failure_reason": "Contact en liste noire"}
    times = {}
    for n, (stat, name) in enumerate((("SENT", "sent_at"), ("DELIVERED", "delivered_at"),
                                      ("READ", "read_at"), ("CLICKED", "clicked_at"))):
        if n <= stage - 3:
            times[name] = at + timedelta(seconds=10 * (n + 1))
            status = stat
    return {**row, **times, "status": status}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
