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


def test_recycling_into_a_new_campaign_copies_only_those_contacts():
    from services.campaigns.lifecycle import get_campaign
    from services.identity.access import AccessDenied
    from services.models.audience import ContactList, ContactRecord
    from services.reporting.recycling import RecycleError, recycle_into_new_campaign
    from services.reporting.scope import ReportNotFound
    from tests.support.campaigns import ready_list
    import pytest

    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    list_id = ready_list(ctx)
    campaign = new_report_campaign(ctx, "Relance Noël")
    with tenant_session(ctx) as session:
        contacts = {c.nom: c for c in session.exec(
            select(ContactRecord).where(ContactRecord.list_id == list_id)).all()}
    paul, anne = contacts["Mbarga"], contacts["Dupont"]
    add_interactions(ctx, [
        dict(call(campaign, paul.id, "busy"), list_id=list_id, address=paul.telephone),
        dict(call(campaign, anne.id, "no-answer"), list_id=list_id, address=anne.telephone)])

    busy = RecycleRule(outcomes=("busy",))
    new_id, count = recycle_into_new_campaign(ctx, campaign, busy, "  Relance Noël   (occupés) ")
    assert count == 1 == recycle_preview(ctx, campaign, busy)
    created = get_campaign(ctx, new_id)
    assert (created.name, created.status) == ("Relance Noël (occupés)", "BROUILLON")
    [new_list] = created.config["lists"]
    assert new_list != list_id
    with tenant_session(ctx) as session:
        copied = session.exec(select(ContactRecord).where(ContactRecord.list_id == new_list)).all()
        target = session.get(ContactList, new_list)
        # the source campaign got no new attempt: the contacts go to the new one only
        assert session.exec(select(Interaction).where(Interaction.campaign_id == campaign,
                                                      Interaction.status == "QUEUED")).all() == []
    assert [(c.nom, c.telephone, c.email) for c in copied] == [
        ("Mbarga", paul.telephone, paul.email)]
    assert (target.status, target.accepted, target.name) == ("PRETE", 1,
                                                             "Recyclage — Relance Noël")

    # a blacklisted contact is never recycled, into a new campaign neither
    with tenant_session(ctx) as session:
        session.add(OptOut(phone=anne.telephone, channel="TOUS", source="MANUAL"))
    with pytest.raises(RecycleError, match="Aucun contact"):
        recycle_into_new_campaign(ctx, campaign, RecycleRule(outcomes=("no-answer",)), "Vide")
    with pytest.raises(RecycleError, match="nom"):
        recycle_into_new_campaign(ctx, campaign, busy, "   ")
    with tenant_session(ctx) as session:  # the refused attempts left no list behind
        names = [x.name for x in session.exec(select(ContactList)).all()]
    assert sorted(names) == sorted(["Clients", "Recyclage — Relance Noël"])

    # another tenant's supervisor finds no such campaign; an agent may not recycle
    with pytest.raises(ReportNotFound):
        recycle_into_new_campaign(context_for(new_tenant(), Role.SUPERVISOR), campaign, busy, "X")
    with pytest.raises(AccessDenied):
        recycle_into_new_campaign(context_for(tenant, Role.AGENT), campaign, busy, "X")
