"""The signed unsubscribe link of campaign emails: a look changes nothing, a forged link is
refused, the confirmation (or RFC 8058 one-click POST) blacklists the person and cancels
their queued attempts on every channel."""
from __future__ import annotations

import re

import httpx
from sqlmodel import select

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.messaging.sending import send_due
from services.messaging.sequencer import sequence_tenant
from services.models.audience import OptOut
from services.models.interactions import Interaction
from services.settings import get_settings
from tests.services.messaging.conftest import SmsCampaign
from tests.support.inbox import messages_to


def _email_campaign(c: SmsCampaign, name: str) -> int:
    config = {**c.campaign.config, "name": name}
    config["channels"] = {**config["channels"],
                          "sms": {**config["channels"]["sms"], "enabled": False},
                          "email": {"enabled": True, "sender": "", "subject": "Offre {Nom}",
                                    "html": "<p>Bonjour {Nom}</p>", "text": ""}}
    campaign = create_campaign(c.admin, config)
    launch_campaign(c.admin, campaign.id)
    return campaign.id


def _opted_out(ctx) -> set[str]:
    with tenant_session(ctx) as s:
        return {o.phone or o.email for o in s.exec(select(OptOut))}


def test_the_unsubscribe_link_blacklists_the_person_on_every_channel(sandbox, webhooks):
    c = SmsCampaign(count=1, names=["Mbarga"], launch=False)
    _email_campaign(c, "Promo email")
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 1}
    with tenant_session(c.admin) as s:
        email = s.exec(select(Interaction.address)).one()
    [mail] = messages_to(get_settings().sandbox_url, email)
    link = re.search(r'href="([^"]+/api/messaging/unsubscribe[^"]+)"', mail["html"]).group(1)
    link = link.replace("&amp;", "&").replace("localhost", "127.0.0.1")
    launch_campaign(c.admin, c.id)  # the SMS campaign to the same person, queued
    sequence_tenant(c.admin)

    assert "Confirmer" in httpx.get(link, timeout=60).text  # looking is not unsubscribing
    assert _opted_out(c.admin) == set()
    forged = re.sub(r"s=\w+", "s=" + "0" * 32, link)
    assert httpx.post(forged, timeout=60).status_code == 403
    assert _opted_out(c.admin) == set()

    one_click = httpx.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=60)
    assert one_click.status_code == 200 and "confirmée" in one_click.text
    assert _opted_out(c.admin) == {email, c.phones[0]}
    with tenant_session(c.admin) as s:
        sms = s.exec(select(Interaction).where(Interaction.campaign_id == c.id)).one()
    assert (sms.status, sms.failure_class) == ("CANCELLED", "BLACKLIST")
