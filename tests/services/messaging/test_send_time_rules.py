"""What the engine checks again at send time: the tenant's frequency cap, the time band in the
contact's own zone; and the email slot through the SendGrid twin."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.campaigns.presets import Cap, set_frequency_cap
from services.db.tenancy import tenant_session
from services.messaging.reconcile import worker_lock
from services.messaging.sending import _load_batch, claim_batch, process_batch, send_due
from services.messaging.sequencer import sequence_campaign, sequence_tenant
from services.models.campaigns import Campaign
from services.models.interactions import Interaction
from services.settings import get_settings
from tests.services.messaging.conftest import SmsCampaign
from tests.support.inbox import messages_to


def _by_campaign(ctx) -> dict[int, Interaction]:
    with tenant_session(ctx) as s:
        return {r.campaign_id: r for r in s.exec(select(Interaction))}


def test_no_contact_gets_more_sms_than_the_frequency_cap(sandbox):
    c = SmsCampaign(count=1)
    set_frequency_cap(c.admin, Cap("SMS", 3, 1))  # the Cameroon preset: 3 a day
    for n in range(3):
        later = create_campaign(c.admin, {**c.campaign.config, "name": f"Relance {n}"})
        launch_campaign(c.admin, later.id)
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 3, "capped": 1}
    statuses = sorted(r.status for r in _by_campaign(c.admin).values())
    assert statuses == ["QUEUED", "SENT", "SENT", "SENT"]
    waiting = next(r for r in _by_campaign(c.admin).values() if r.status == "QUEUED")
    assert "plafond de fréquence" in waiting.failure_reason
    assert len(sandbox.messages_to(c.phones[0])) == 3


def test_the_band_is_read_in_the_contact_own_zone_when_asked(sandbox):
    dakar = "+221771234555"
    c = SmsCampaign(numbers=[dakar], launch=False)
    config = {**c.campaign.config, "contact_local_time": True, "timezone": "Africa/Douala",
              "bands": {str(d): "08:00-20:00" for d in range(7)}}

    with tenant_session(c.admin) as s:
        campaign = s.get(Campaign, c.id)
        campaign.config, campaign.status = config, "LIVE"
        s.add(campaign)
    # 08:30 in Douala (open there) is 07:30 in Dakar: closed for this contact
    morning = datetime(2026, 12, 1, 7, 30, tzinfo=timezone.utc)
    with tenant_session(c.admin) as s:
        assert sequence_campaign(s, s.get(Campaign, c.id), morning) == 1
    with worker_lock() as key:
        claimed = claim_batch(c.admin, key)
        with tenant_session(c.admin) as s:
            batch = _load_batch(s, c.admin, claimed)
        assert process_batch(c.admin, claimed, batch, morning) == {
            claimed[0].id: "outside-band"}
    row = _by_campaign(c.admin)[c.id]
    assert row.status == "QUEUED" and "hors des plages" in row.failure_reason
    assert sandbox.messages_to(dakar) == []


def test_the_email_slot_goes_through_sendgrid_with_our_attempt_id(sandbox):
    c = SmsCampaign(count=1, names=["Mbarga"], launch=False)
    config = {**c.campaign.config, "name": "Promo email"}
    config["channels"] = {**config["channels"],
                          "sms": {**config["channels"]["sms"], "enabled": False},
                          "email": {"enabled": True, "sender": "", "subject": "Offre pour {Nom}",
                                    "html": "<p>Bonjour <b>{Nom}</b></p>", "text": ""}}
    email_campaign = create_campaign(c.admin, config)
    launch_campaign(c.admin, email_campaign.id)
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 1}
    row = _by_campaign(c.admin)[email_campaign.id]
    inbox = messages_to(get_settings().sandbox_url, row.address)
    assert len(inbox) == 1
    mail = inbox[0]
    assert mail["subject"] == "Offre pour Mbarga" and "Bonjour Mbarga" in mail["text"]
    assert "Se désinscrire" in mail["html"] and "{Lien_Desinscription}" not in mail["html"]
    assert mail["custom_args"]["attempt"] == f"{c.tenant.id}:{row.id}"
    assert all(isinstance(v, str) for v in mail["custom_args"].values())
    assert (row.status, row.provider, row.provider_id) == ("SENT", "sendgrid", mail["id"])
