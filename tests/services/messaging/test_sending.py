"""The sending engine against the Twilio twin: once per attempt, checks at send time,
the Smart Wallet, failures and the reconciliation of a run that died."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from services.audience.blacklist import record_opt_out
from services.billing.wallet import credit_wallet, wallet_of
from services.campaigns.lifecycle import resume_campaign
from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.messaging.messengers import Outgoing, SmsMessenger, messenger_for
from services.messaging.reconcile import reconcile_in_flight, worker_lock
from services.messaging.sending import Batch, claim_batch, process_batch, send_due, _load_batch
from services.messaging.sequencer import sequence_tenant
from services.models.billing import WalletEntry
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import Interaction
from tests.services.messaging.conftest import EmailCampaign, SmsCampaign, WhatsAppCampaign, phones


def _rows(ctx) -> dict[str, Interaction]:
    with tenant_session(ctx) as s:
        return {r.address: r for r in s.exec(select(Interaction).where(
            Interaction.direction == "OUT"))}


def _send_all(c: SmsCampaign) -> dict[str, int]:
    sequence_tenant(c.admin)
    return send_due(c.tenant.id)


def test_each_attempt_reaches_the_provider_once_personalised(sandbox):
    c = SmsCampaign(count=4, names=["Mbarga", "Dupont", "Ngo", "Eto"])
    assert _send_all(c) == {"sent": 4}
    assert send_due(c.tenant.id) == {}  # nothing left: a second run sends nothing
    rows = _rows(c.admin)
    counts = sandbox.attempts(c.tenant.id)
    assert counts == {r.id: 1 for r in rows.values()}
    first = rows[c.phones[0]]
    assert first.status == "SENT" and first.provider == "twilio"
    assert first.provider_id.startswith("SM") and first.claimed_by is None
    assert first.body == "Bonjour Mbarga, -10% ce mois."
    assert sandbox.messages_to(c.phones[0])[0]["body"] == "Bonjour Mbarga, -10% ce mois."
    assert (first.cost_amount, first.cost_currency) == (25, "XAF")
    assert wallet_of(c.tenant.id).balance == 1_000_000 - 4 * 25
    with platform_session() as s:  # the usage lines the monthly invoice reads
        usage = s.exec(select(WalletEntry.kind, WalletEntry.quantity, WalletEntry.amount).where(
            WalletEntry.tenant_id == c.tenant.id, WalletEntry.amount < 0)).all()
    assert sorted(usage) == [("sms", 1, -25)] * 4


def test_blacklist_is_checked_again_at_send_time(sandbox):
    c = SmsCampaign(count=2)
    sequence_tenant(c.admin)  # queued while the contact could still be reached
    record_opt_out(c.tenant.id, c.phones[0], channel="SMS", source="MANUAL")
    assert send_due(c.tenant.id) == {"blacklisted": 1, "sent": 1}
    row = _rows(c.admin)[c.phones[0]]
    assert (row.status, row.failure_class) == ("CANCELLED", "BLACKLIST")
    assert sandbox.messages_to(c.phones[0]) == []
    assert row.id not in sandbox.attempts(c.tenant.id)


def test_an_empty_wallet_pauses_the_campaign_and_never_goes_negative(sandbox):
    c = SmsCampaign(count=5, credit=50)  # two SMS at 25 XAF
    assert _send_all(c) == {"sent": 2, "wallet-empty": 1, "not-live": 2}
    assert wallet_of(c.tenant.id).balance == 0
    with tenant_session(c.admin) as s:
        campaign = s.get(Campaign, c.id)
    assert campaign.status == "EN_PAUSE"
    assert "Smart Wallet" in campaign.pause_reason
    statuses = sorted(r.status for r in _rows(c.admin).values())
    assert statuses == ["QUEUED", "QUEUED", "QUEUED", "SENT", "SENT"]
    assert send_due(c.tenant.id) == {}  # paused: nothing is claimed
    credit_wallet(c.tenant.id, 1000, reference=f"topup-{c.tenant.id}")
    resume_campaign(c.admin, c.id)
    assert send_due(c.tenant.id) == {"sent": 3}
    with tenant_session(c.admin) as s:
        assert s.get(Campaign, c.id).pause_reason == ""
    assert sandbox.attempts(c.tenant.id) == {r.id: 1 for r in _rows(c.admin).values()}
    assert wallet_of(c.tenant.id).balance == 1000 - 3 * 25


def test_a_missing_value_is_that_contact_error(sandbox):
    c = SmsCampaign(count=2, names=["Mbarga", ""])
    assert _send_all(c) == {"sent": 1, "personalisation": 1}
    row = _rows(c.admin)[c.phones[1]]
    assert (row.status, row.failure_class) == ("FAILED", "PERSONALISATION")
    assert "{Nom}" in row.failure_reason


def test_permanent_failures_are_final_and_refunded_transient_ones_retried(sandbox):
    invalid, throttled = "+237671234500", "+237671234501"  # see the twin's outcome rule
    c = SmsCampaign(numbers=[invalid, throttled])
    assert _send_all(c) == {"failed": 1, "retry": 1}
    rows = _rows(c.admin)
    assert (rows[invalid].status, rows[invalid].failure_class) == ("FAILED", "PERMANENT")
    assert "21211" in rows[invalid].failure_reason
    assert rows[throttled].status == "QUEUED" and rows[throttled].next_try_at > utcnow()
    assert "Nouvel essai" in rows[throttled].failure_reason
    assert wallet_of(c.tenant.id).balance == 1_000_000 - 25  # the refused one refunded
    with tenant_session(c.admin) as s:  # the back-off has elapsed
        s.execute(update(Interaction).values(next_try_at=utcnow()))
    assert send_due(c.tenant.id) == {"sent": 1}
    assert _rows(c.admin)[throttled].status == "SENT"
    assert wallet_of(c.tenant.id).balance == 1_000_000 - 25  # charged once for two tries


def test_a_dead_run_is_reconciled_at_the_provider_before_any_resend(sandbox):
    c = SmsCampaign(count=4)
    sequence_tenant(c.admin)
    ctx = c.admin
    with worker_lock() as key:  # a run that will "die" at four different points
        claimed = claim_batch(ctx, key)
        with tenant_session(ctx) as s:
            batch: Batch = _load_batch(s, ctx, claimed)
        by_phone = {a.address: a for a in claimed}
        sent_then_died = by_phone[c.phones[0]]
        assert process_batch(ctx, [sent_then_died], batch, utcnow()) == {
            sent_then_died.id: "sent"}
        with tenant_session(ctx) as s:  # ... as if it died before recording the provider id
            s.execute(update(Interaction).where(Interaction.id == sent_then_died.id).values(
                status="SENDING", claimed_by=key, provider_id="", provider=""))
        # one claimed only; two marked in flight (body written) then killed: one just now,
        # whose request may still be on its way to Twilio, one long ago, that never reached it
        in_flight, lost = by_phone[c.phones[2]], by_phone[c.phones[3]]
        with tenant_session(ctx) as s:
            for attempt, ago in ((in_flight, timedelta(0)),
                                 (lost, SmsMessenger.LOOKUP_GRACE + timedelta(seconds=1))):
                s.execute(update(Interaction).where(Interaction.id == attempt.id).values(
                    body=f"Bonjour {attempt.id}", sending_at=utcnow() - ago))
        assert reconcile_in_flight(ctx) == 0  # its run is alive: hands off
    assert reconcile_in_flight(ctx) == 3
    rows = _rows(ctx)
    assert rows[c.phones[0]].status in ("SENT", "DELIVERED")  # as the twin reports it
    assert rows[c.phones[0]].provider_id == sandbox.messages_to(c.phones[0])[0]["sid"]
    assert rows[c.phones[1]].status == rows[c.phones[3]].status == "QUEUED"
    assert rows[c.phones[2]].status == "SENDING"  # not found yet: looked up again later

    late = messenger_for("SMS", c.tenant.id).send(Outgoing(  # the dead run's request arrives
        c.tenant.id, in_flight.id, in_flight.address, in_flight.sender, f"Bonjour {in_flight.id}"))
    assert reconcile_in_flight(ctx) == 1
    assert _rows(ctx)[c.phones[2]].provider_id == late.provider_id
    assert send_due(c.tenant.id) == {"sent": 2}
    assert sandbox.attempts(c.tenant.id) == {r.id: 1 for r in _rows(ctx).values()}


def test_the_campaign_report_counts_and_says_why_some_did_not_go_out(sandbox):
    from services.messaging.report import not_sent
    from services.reporting.figures import sending_funnel

    c = SmsCampaign(numbers=phones(2) + ["+237671234500"], names=["Mbarga", "", "Eto"])
    sequence_tenant(c.admin)
    record_opt_out(c.tenant.id, c.phones[0], channel="SMS", source="MANUAL")
    assert send_due(c.tenant.id) == {"blacklisted": 1, "personalisation": 1, "failed": 1}
    [sms] = sending_funnel(c.admin, c.id)  # the reports' funnel: one count for both pages
    assert (sms.channel, sms.total, sms.sent, sms.failed, sms.opted_out, sms.progress) == (
        "SMS", 3, 0, 2, 1, 100)
    reasons = {r.address: r.reason for r in not_sent(c.admin, c.id)}
    assert reasons[c.phones[0]] == "Contact dans la liste noire."
    assert "{Nom}" in reasons[c.phones[1]] and "21211" in reasons[c.phones[2]]


def test_archiving_cancels_what_was_still_queued(sandbox):
    from services.campaigns.lifecycle import archive_campaign
    from services.messaging.report import not_sent

    c = SmsCampaign(count=2)
    sequence_tenant(c.admin)
    archive_campaign(c.admin, c.id)
    assert send_due(c.tenant.id) == {}
    assert [(r.status, r.reason) for r in not_sent(c.admin, c.id)] == [
        ("CANCELLED", "Campagne archivée avant l'envoi.")] * 2


def test_the_campaign_list_shows_the_sending_progress(sandbox):
    from services.campaigns.lifecycle import list_campaigns

    c = SmsCampaign(count=4)
    sequence_tenant(c.admin)
    assert [r.progress for r in list_campaigns(c.admin)] == [0]
    with tenant_session(c.admin) as s:  # one of four settled
        first = s.exec(select(Interaction).order_by(Interaction.id)).first()
        first.status = "SENT"
        s.add(first)
    assert [r.progress for r in list_campaigns(c.admin)] == [25]
    send_due(c.tenant.id)
    assert [r.progress for r in list_campaigns(c.admin)] == [100]


def _told(c: SmsCampaign | EmailCampaign) -> int:
    """The live events that told the campaign's open « Envois » page to reload, after the
    scheduler's tick published what a burst held back."""
    from services.infra.redis import get_redis
    from services.live import campaign_topic
    from services.live.events import STREAM, LiveEvent
    from services.live.throttle import flush_held

    flush_held()
    return sum(1 for _, fields in get_redis().xrevrange(STREAM, count=2000)
               if (e := LiveEvent.from_fields(fields)).kind == "sending"
               and campaign_topic(c.tenant.id, c.campaign.id) in e.topics
               and e.data == {"campaign_id": c.campaign.id})


def test_the_campaign_page_is_told_when_its_attempts_move(sandbox):
    c = SmsCampaign(count=2)
    assert _told(c) == 0
    assert _send_all(c) == {"sent": 2}
    assert _told(c) >= 1


def test_the_campaign_page_is_told_of_email_and_whatsapp_news(meta):
    """SendGrid's events, an open or a click, and Meta's statuses move the counters too (they
    did not tell the page: its email and WhatsApp counters stopped until something else did)."""
    from services.messaging import email_events, tracking, whatsapp_events
    from services.providers.whatsapp.account import account_of

    email = EmailCampaign([f"news-{phones(1)[0][-7:]}@exemple.cm"])
    whatsapp = WhatsAppCampaign(count=1)
    for c in (email, whatsapp):
        sequence_tenant(c.admin)  # queued only: no twin sends news of its own meanwhile
    [mail] = email.attempts()
    with tenant_session(whatsapp.admin) as s:
        wa = s.exec(select(Interaction)).one()
    news = [
        (email, lambda: email_events.apply_event(
            {"attempt": f"{email.tenant.id}:{mail.id}", "event": "delivered"})),
        (email, lambda: tracking.record(email.tenant.id, mail.id, "CLICKED")),
        (whatsapp, lambda: whatsapp_events.apply_status(
            account_of(whatsapp.tenant.id).phone_number_id,
            {"id": "wamid.news", "status": "read", "biz_opaque_callback_data":
             f"{whatsapp.tenant.id}:{wa.id}"})),
    ]
    for c, apply in news:
        before = _told(c)
        apply()
        assert _told(c) == before + 1
