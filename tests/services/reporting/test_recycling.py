"""Recycling "occupé" re-queues exactly the busy contacts, never a blacklisted one, once."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.models.audience import OptOut
from services.models.interactions import Interaction
from services.models.platform import Role
from services.reporting.recycling import RecycleRule, recycle, recycle_preview
from tests.support.accounts import context_for, new_tenant
from tests.support.interactions import add_interactions, new_report_campaign

AT = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)


def call(campaign, contact, outcome="", code="", step=0, status="ENDED"):
    return dict(channel="VOIX", campaign_id=campaign, contact_id=contact, slot="voice",
                step=step, status=status, outcome=outcome, qualification=code,
                address=f"+23767000{contact:04d}", queued_at=AT)


def test_recycling_busy_requeues_exactly_those_contacts():
    ctx = context_for(new_tenant(), Role.SUPERVISOR)
    campaign = new_report_campaign(ctx)
    rows = [call(campaign, 1, "busy"), call(campaign, 2, "busy"), call(campaign, 3, "no-answer"),
            call(campaign, 4, code="VENTE", status="WRAPPED_UP"),
            # busy first, then reached: its latest touch is not busy
            call(campaign, 5, "busy"), call(campaign, 5, code="RAPPEL", step=1),
            call(campaign, 6, "busy"),  # blacklisted since
            dict(channel="SMS", campaign_id=campaign, contact_id=7, slot="sms", status="FAILED",
                 failure_class="PERMANENT", address="+237670000007", queued_at=AT),
            dict(channel="SMS", campaign_id=campaign, contact_id=8, slot="sms", status="CANCELLED",
                 failure_class="BLACKLIST", address="+237670000008", queued_at=AT)]
    add_interactions(ctx, rows)
    with tenant_session(ctx) as session:
        session.add(OptOut(phone="+237670000006", channel="TOUS", source="MANUAL"))

    busy = RecycleRule(outcomes=("busy",))
    assert recycle_preview(ctx, campaign, busy) == 2
    assert recycle(ctx, campaign, busy) == 2
    with tenant_session(ctx) as session:
        queued = session.exec(select(Interaction).where(Interaction.campaign_id == campaign,
                                                        Interaction.status == "QUEUED")).all()
    assert sorted((q.contact_id, q.slot, q.step, q.address) for q in queued) == [
        (1, "voice", 1, "+237670000001"), (2, "voice", 1, "+237670000002")]
    assert recycle_preview(ctx, campaign, busy) == 0 and recycle(ctx, campaign, busy) == 0

    others = RecycleRule(outcomes=("no-answer",), failed_messages=True, codes=("RAPPEL",))
    assert recycle_preview(ctx, campaign, others) == 3  # 3 (no answer), 5 (RAPPEL), 7 (failed)
    assert recycle_preview(ctx, campaign, RecycleRule()) == 0
