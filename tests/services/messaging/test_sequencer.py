"""The sequencer: one attempt per contact, slot and step, however often it runs."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.audience.blacklist import record_opt_out
from services.db.tenancy import tenant_session
from services.messaging.report import not_sent
from services.messaging.sequencer import sequence_campaign, sequence_tenant
from services.models.campaigns import Campaign
from services.models.interactions import Interaction
from services.reporting.figures import sending_funnel
from tests.services.messaging.conftest import SmsCampaign


def _attempts(ctx) -> list[Interaction]:
    with tenant_session(ctx) as s:
        return list(s.exec(select(Interaction).order_by(Interaction.id)))


def test_running_the_sequencer_again_creates_no_second_attempt():
    c = SmsCampaign(count=3)  # the launch already sequenced once (in the worker's stead)
    first = sequence_tenant(c.admin)
    with tenant_session(c.admin) as s:  # one connection, past the prepared statement's generic plan
        campaign = s.get(Campaign, c.id)
        again = sum(sequence_campaign(s, campaign) for _ in range(12))
    rows = _attempts(c.admin)
    assert (first + again, again) == (3, 0)
    assert sorted(r.address for r in rows) == sorted(c.phones)
    assert {(r.slot, r.step, r.status, r.campaign_version) for r in rows} == {("sms", 0, "QUEUED", 1)}
    with pytest.raises(IntegrityError), tenant_session(c.admin) as s:
        row = rows[0]
        s.add(Interaction(channel="SMS", campaign_id=c.id, contact_id=row.contact_id,
                          slot="sms", step=0, address=row.address))


def test_a_blacklisted_contact_is_never_sent_and_its_campaign_says_why():
    c = SmsCampaign(count=3, launch=False)
    record_opt_out(c.tenant.id, c.phones[1], channel="SMS", source="MANUAL")
    from services.campaigns.lifecycle import launch_campaign

    launch_campaign(c.admin, c.id)
    assert sequence_tenant(c.admin) == 2  # made due: the blacklisted one is not
    rows = {r.address: r for r in _attempts(c.admin)}
    assert {a: r.status for a, r in rows.items()} == {
        c.phones[0]: "QUEUED", c.phones[1]: "CANCELLED", c.phones[2]: "QUEUED"}
    assert (rows[c.phones[1]].failure_class, rows[c.phones[1]].failure_reason) == (
        "BLACKLIST", "Contact dans la liste noire.")
    [why] = not_sent(c.admin, c.id)
    assert (why.address, why.reason) == (c.phones[1], "Contact dans la liste noire.")
    [funnel] = sending_funnel(c.admin, c.id)
    assert (funnel.total, funnel.opted_out, funnel.waiting) == (3, 1, 2)


def test_nothing_is_due_outside_the_campaign_time_band():
    c = SmsCampaign(count=2, launch=False)
    with tenant_session(c.admin) as s:
        campaign = s.get(Campaign, c.id)
        campaign.config = {**campaign.config,
                           "bands": {str(d): "09:00-18:00" for d in range(7)}}
        campaign.status = "LIVE"
        s.add(campaign)
        night = datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)  # 00:30 in Douala
        assert sequence_campaign(s, campaign, night) == 0
        day = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
        assert sequence_campaign(s, campaign, day) == 2
