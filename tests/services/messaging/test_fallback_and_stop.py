"""Fallback slots of the voice slot (a call that fails for good queues the SMS once) and the
STOP confirmation SMS (sent once per phone, only when the tenant enables it)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from dramatiq import Worker
from sqlalchemy import update
from sqlmodel import select

import services.workers.messaging  # noqa: F401  (the actors the in-test worker runs)

from services.campaigns.lifecycle import create_campaign
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.messaging.fallback import queue_fallback_of
from services.messaging.messengers import SmsMessenger
from services.messaging.sending import send_due
from services.messaging.sequencer import sequence_tenant
from services.messaging.stop_confirmation import TEXT, confirm_stop
from services.models.audience import ContactRecord
from services.models.columns import utcnow
from services.models.interactions import Interaction
from services.models.platform import Role
from services.tenant_settings import messaging_settings, save_messaging_settings
from services.voice.call_outcomes import INVALID, NO_ANSWER, settle
from services.workers.broker import broker
from tests.services.messaging.conftest import SmsCampaign
from tests.support.accounts import context_for
from tests.support.waiting import wait_until


def _voice_campaign_with_sms_fallback() -> tuple[SmsCampaign, int]:
    c = SmsCampaign(count=3, launch=False)
    config = dict(c.campaign.config)
    config["name"] = "Relance téléphonique"
    config["channels"] = {**config["channels"],
                          "sms": {**config["channels"]["sms"], "enabled": False,
                                  "text": "Bonjour {Nom}, nous n'avons pas pu vous joindre."},
                          "voice": {**config["channels"]["voice"], "enabled": True,
                                    "mode": "PROGRESSIVE", "max_attempts": 2}}
    config["fallbacks"] = [{"from": "voice", "to": "sms"}]
    return c, create_campaign(c.admin, config).id


def _call(c: SmsCampaign, campaign_id: int, phone: str, step: int) -> int:
    with tenant_session(c.admin) as s:
        contact = s.exec(select(ContactRecord).where(ContactRecord.telephone == phone)).one()
        row = Interaction(channel="VOIX", campaign_id=campaign_id, contact_id=contact.id,
                          list_id=contact.list_id, address=phone, slot="voice", step=step,
                          status="SENDING")
        s.add(row)
        s.commit()
        s.refresh(row)
        return row.id


def _sms_of(c: SmsCampaign, campaign_id: int) -> list[tuple[str, int, str]]:
    with tenant_session(c.admin) as s:
        return sorted((r.address, r.step, r.status) for r in s.exec(select(Interaction).where(
            Interaction.campaign_id == campaign_id, Interaction.slot == "sms")))


def test_a_failed_call_queues_the_sms_fallback_exactly_once():
    c, campaign_id = _voice_campaign_with_sms_fallback()
    invalid, unanswered, retried = c.phones
    first = _call(c, campaign_id, invalid, 0)
    assert settle(c.tenant.id, first, INVALID, None).status == "FAILED"
    assert _sms_of(c, campaign_id) == [(invalid, 1, "QUEUED")]
    assert queue_fallback_of(c.tenant.id, first) == []  # a replay creates nothing
    assert settle(c.tenant.id, first, INVALID, None) is None

    # not answered: retried while attempts remain, the fallback after the last one only
    assert settle(c.tenant.id, _call(c, campaign_id, retried, 0), NO_ANSWER, None)
    assert [p for p, _, _ in _sms_of(c, campaign_id)] == [invalid]
    last = _call(c, campaign_id, unanswered, 1)  # max_attempts 2: step 1 is the last
    settle(c.tenant.id, last, NO_ANSWER, None)
    assert _sms_of(c, campaign_id) == sorted([(invalid, 1, "QUEUED"), (unanswered, 1, "QUEUED")])


def test_the_stop_confirmation_is_sent_once_and_only_when_enabled(sandbox, webhooks):
    c = SmsCampaign(count=1, launch=False)
    phone = c.phones[0]
    assert messaging_settings(c.admin).stop_confirmation is False
    assert confirm_stop(c.tenant.id, phone, "BGOTOCALL") is None
    assert sandbox.messages_to(phone) == []

    assert save_messaging_settings(c.admin, "sendgrid", True) == {}
    attempt_id = confirm_stop(c.tenant.id, phone, "BGOTOCALL")
    assert attempt_id is not None
    assert confirm_stop(c.tenant.id, phone, "BGOTOCALL") is None
    assert [m["body"] for m in sandbox.messages_to(phone)] == [TEXT]
    assert TEXT.startswith("Vous ne recevrez plus de messages")
    assert sandbox.attempts(c.tenant.id) == {attempt_id: 1}
    with tenant_session(c.admin) as s:
        row = s.get(Interaction, attempt_id)
    assert (row.channel, row.slot, row.claimed_by, row.cost_amount > 0) == ("SMS", "stop_ack", None, True)
    wait_until(lambda: _status(c, attempt_id) == "DELIVERED", timeout=20, what="delivered")


def _status(c: SmsCampaign, attempt_id: int) -> str:
    with tenant_session(c.admin) as s:
        return s.get(Interaction, attempt_id).status


def test_the_messaging_settings_refuse_an_unknown_provider():
    c = SmsCampaign(count=1, launch=False)
    assert "email_provider" in save_messaging_settings(c.admin, "mailchimp", True)
    assert messaging_settings(c.admin).stop_confirmation is False
    assert save_messaging_settings(c.admin, "smtp", False) == {}
    assert messaging_settings(c.admin).email_provider == "smtp"
    with pytest.raises(AccessDenied):
        save_messaging_settings(context_for(c.tenant, Role.SUPERVISOR), "sendgrid", True)
    assert messaging_settings(c.admin).stop_confirmation is False


def test_a_stop_from_the_phone_gets_one_confirmation_through_the_workers(sandbox, webhooks):
    c = SmsCampaign(count=1)
    phone = c.phones[0]
    assert save_messaging_settings(c.admin, "sendgrid", True) == {}
    sequence_tenant(c.admin)
    send_due(c.tenant.id)  # the campaign's SMS: the phone now knows our number
    worker = Worker(broker, queues={"messaging"}, worker_threads=1)
    worker.start()
    try:
        sandbox.inbound(phone, "Arrêt")
        sandbox.inbound(phone, "STOP")
        wait_until(lambda: [m["body"] for m in sandbox.messages_to(phone)].count(TEXT) == 1,
                   timeout=30, what="the confirmation SMS")
        broker.join("messaging", timeout=120_000)  # both STOPs' jobs done
    finally:
        worker.stop()
    bodies = [m["body"] for m in sandbox.messages_to(phone)]
    assert bodies.count(TEXT) == 1 and len(bodies) == 2


def test_a_confirmation_found_never_sent_after_a_crash_goes_out_at_the_next_stop(sandbox, webhooks):
    from services.messaging.reconcile import reconcile_in_flight, worker_lock
    from services.messaging.stop_confirmation import _claim

    c = SmsCampaign(count=1, launch=False)
    phone = c.phones[0]
    assert save_messaging_settings(c.admin, "sendgrid", True) == {}
    with worker_lock() as key:  # a run that died before calling Twilio, some time ago
        attempt_id = _claim(c.tenant.id, phone, "BGOTOCALL", key)
    with tenant_session(c.admin) as s:
        s.execute(update(Interaction).where(Interaction.id == attempt_id).values(
            sending_at=utcnow() - SmsMessenger.LOOKUP_GRACE - timedelta(seconds=1)))
    assert reconcile_in_flight(c.admin) == 1
    assert _status(c, attempt_id) == "QUEUED" and sandbox.messages_to(phone) == []

    assert confirm_stop(c.tenant.id, phone, "BGOTOCALL") == attempt_id
    assert confirm_stop(c.tenant.id, phone, "BGOTOCALL") is None
    assert [m["body"] for m in sandbox.messages_to(phone)] == [TEXT]
    assert sandbox.attempts(c.tenant.id) == {attempt_id: 1}
