"""Twilio's status callbacks and inbound SMS on the product's routes: signed or refused,
duplicated and out-of-order news ending in one final state, STOP opting out."""
from __future__ import annotations

import httpx
from sqlmodel import select
from twilio.request_validator import RequestValidator

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.messaging.sending import send_due
from services.messaging.sequencer import sequence_tenant
from services.models.audience import OptOut, OptOutEvent
from services.models.interactions import Interaction
from tests.services.messaging.conftest import SmsCampaign
from tests.support.waiting import wait_until


def _row(ctx, address: str, direction: str = "OUT") -> Interaction | None:
    with tenant_session(ctx) as s:
        return s.exec(select(Interaction).where(Interaction.address == address,
                                                Interaction.direction == direction)).first()


def _post_status(settings, row: Interaction, tenant_id: int, status: str,
                 signature: str | None = None, **extra) -> httpx.Response:
    url = f"{settings.twilio_status_url}?t={tenant_id}&a={row.id}"
    params = {"MessageSid": row.provider_id, "SmsSid": row.provider_id,
              "AccountSid": settings.twilio_account_sid, "To": row.address, "From": row.sender,
              "MessageStatus": status, "SmsStatus": status, "ApiVersion": "2010-04-01", **extra}
    if signature is None:
        signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, params)
    return httpx.post(url.replace("localhost", "127.0.0.1"), data=params,
                      headers={"X-Twilio-Signature": signature}, timeout=60)


def _sent_without_callbacks(c: SmsCampaign, sandbox) -> Interaction:
    sandbox.callbacks(False)
    try:
        sequence_tenant(c.admin)
        send_due(c.tenant.id)
    finally:
        sandbox.callbacks(True)
    return _row(c.admin, c.phones[0])


def test_the_twin_callbacks_move_the_attempt_to_delivered(sandbox, webhooks):
    c = SmsCampaign(count=1)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    row = wait_until(lambda: (r := _row(c.admin, c.phones[0])) and r.status == "DELIVERED" and r,
                     timeout=20, what="delivered callback")
    assert row.sent_at and row.delivered_at and row.outcome == "delivered"


def test_an_undelivered_callback_is_a_permanent_failure_with_its_code(sandbox, webhooks):
    c = SmsCampaign(numbers=["+237671234502"])  # the twin's rule: 02 is unreachable
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    row = wait_until(lambda: (r := _row(c.admin, c.phones[0])) and r.status == "FAILED" and r,
                     timeout=20, what="undelivered callback")
    assert row.failure_class == "PERMANENT" and "30003" in row.failure_reason


def test_a_bad_or_missing_signature_is_refused_with_no_effect(sandbox, webhooks):
    c = SmsCampaign(count=1)
    row = _sent_without_callbacks(c, sandbox)
    assert row.status == "SENT"
    assert _post_status(webhooks, row, c.tenant.id, "delivered", signature="").status_code == 403
    assert _post_status(webhooks, row, c.tenant.id, "delivered",
                        signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    forged = RequestValidator("not-our-token").compute_signature(
        f"{webhooks.twilio_status_url}?t={c.tenant.id}&a={row.id}", {})
    assert _post_status(webhooks, row, c.tenant.id, "delivered",
                        signature=forged).status_code == 403
    assert _row(c.admin, c.phones[0]).status == "SENT"


def test_replayed_and_out_of_order_callbacks_end_in_one_final_state(sandbox, webhooks):
    c = SmsCampaign(count=1)
    row = _sent_without_callbacks(c, sandbox)
    for status in ("delivered", "sent", "queued", "delivered", "sent"):
        assert _post_status(webhooks, row, c.tenant.id, status).status_code == 200
    final = _row(c.admin, c.phones[0])
    assert final.status == "DELIVERED" and final.delivered_at and final.sent_at
    first_delivered_at = final.delivered_at
    assert _post_status(webhooks, row, c.tenant.id, "undelivered",
                        ErrorCode="30003").status_code == 200
    again = _row(c.admin, c.phones[0])
    assert (again.status, again.delivered_at) == ("DELIVERED", first_delivered_at)


def test_a_callback_for_another_message_changes_nothing(sandbox, webhooks):
    c = SmsCampaign(count=1)
    row = _sent_without_callbacks(c, sandbox)
    row.provider_id = "SM" + "0" * 32
    assert _post_status(webhooks, row, c.tenant.id, "delivered").status_code == 200
    assert _row(c.admin, c.phones[0]).status == "SENT"


def test_an_inbound_stop_blacklists_and_cancels_queued_attempts(sandbox, webhooks):
    c = SmsCampaign(count=2)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    config = {**c.campaign.config, "name": "Relance"}  # a second campaign, still queued
    later = create_campaign(c.admin, config)
    launch_campaign(c.admin, later.id)
    sequence_tenant(c.admin)
    result = sandbox.inbound(c.phones[0], "  Arrêt ")
    assert result["webhook_status"] == 200
    with tenant_session(c.admin) as s:
        entry = s.exec(select(OptOut).where(OptOut.phone == c.phones[0])).one()
        audit = s.exec(select(OptOutEvent).where(OptOutEvent.phone == c.phones[0])).one()
        queued = s.exec(select(Interaction).where(Interaction.campaign_id == later.id)).all()
    assert (entry.channel, entry.source) == ("SMS", "STOP")
    assert "Arrêt" in audit.detail
    by_address = {r.address: r for r in queued}
    assert by_address[c.phones[0]].status == "CANCELLED"
    assert by_address[c.phones[1]].status == "QUEUED"
    inbound = _row(c.admin, c.phones[0], direction="IN")
    assert inbound.status == "RECEIVED" and inbound.body == "  Arrêt "


def test_an_inbound_question_is_kept_and_opts_nobody_out(sandbox, webhooks):
    c = SmsCampaign(count=1)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    sandbox.inbound(c.phones[0], "Stop calling me at work please")
    with tenant_session(c.admin) as s:
        assert s.exec(select(OptOut).where(OptOut.phone == c.phones[0])).first() is None
    assert _row(c.admin, c.phones[0], direction="IN").body == "Stop calling me at work please"


def test_an_unsigned_inbound_message_is_refused(sandbox, webhooks):
    c = SmsCampaign(count=1)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    r = httpx.post(webhooks.twilio_inbound_url.replace("localhost", "127.0.0.1"),
                   data={"From": c.phones[0], "To": "BGOTOCALL", "Body": "STOP"}, timeout=60)
    assert r.status_code == 403
    with tenant_session(c.admin) as s:
        assert s.exec(select(OptOut).where(OptOut.phone == c.phones[0])).first() is None


def test_a_person_answers_stop_from_the_sandbox_phones_page(sandbox, webhooks):
    c = SmsCampaign(count=2, names=["Mbarga", "Eto"])
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    page = httpx.get(f"{sandbox.base}/_sandbox/", params={"to": c.phones[0]}, timeout=60).text
    assert "Bonjour Mbarga, -10% ce mois." in page  # what the person received
    assert "Eto" not in page                        # that phone only
    assert f"action='{sandbox.base}/_sandbox/inbound'" in page  # this twin's, not Meta's
    answer = httpx.post(f"{sandbox.base}/_sandbox/inbound", data={
        "From": c.phones[0], "To": "BGOTOCALL", "Body": "STOP", "redirect": "1"},
        follow_redirects=True, timeout=60)
    assert answer.status_code == 200 and "STOP" in answer.text and "Eto" not in answer.text
    with tenant_session(c.admin) as s:
        assert s.exec(select(OptOut).where(OptOut.phone == c.phones[0])).one().source == "STOP"
