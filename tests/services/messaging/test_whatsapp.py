"""WhatsApp end to end against the Meta twin: a campaign's WhatsApp slot sends each attempt
once; Meta's webhook is verified (hub.challenge, X-Hub-Signature-256) and its statuses,
replayed or out of order, end in one final state; STOP blacklists; template decisions reach
the registry; a customer's message reaches the console."""
from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import select

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.campaigns.whatsapp_templates import add_template, list_templates, submit_template
from services.db.tenancy import tenant_session
from services.reporting.figures import sending_funnel
from services.messaging.reconcile import reconcile_in_flight, worker_lock
from services.messaging.sending import Batch, _load_batch, claim_batch, process_batch, send_due
from services.messaging.sequencer import sequence_tenant
from services.conversations import channel_policy, list_conversations, reply, thread
from services.conversations.replies import ReplyError
from services.models.audience import OptOut, OptOutEvent
from services.models.interactions import Interaction
from services.models.columns import utcnow
from services.providers.whatsapp import signature, wa_id
from services.settings import get_settings
from tests.services.messaging.conftest import WhatsAppCampaign
from tests.support.waiting import wait_until


def _rows(ctx, direction: str = "OUT") -> dict[str, Interaction]:
    with tenant_session(ctx) as s:
        return {r.address: r for r in s.exec(select(Interaction).where(
            Interaction.direction == direction, Interaction.channel == "WHATSAPP"))}


def _url(settings) -> str:
    return settings.whatsapp_webhook_url.replace("localhost", "127.0.0.1")


def _post(settings, payload: dict, secret: str | None = None,
          header: str | None = None) -> httpx.Response:
    raw = json.dumps(payload).encode()
    sig = header if header is not None else signature(secret or settings.whatsapp_app_secret, raw)
    return httpx.post(_url(settings), content=raw, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": sig}, timeout=60)


def _status(settings, row: Interaction, tenant_id: int, status: str, **extra) -> dict:
    item = {"id": row.provider_id, "status": status, "timestamp": "1796150000",
            "recipient_id": wa_id(row.address), "biz_opaque_callback_data":
            f"{tenant_id}:{row.id}", **extra}
    return {"object": "whatsapp_business_account", "entry": [{"id": settings.whatsapp_waba_id,
            "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "237650000000",
                             "phone_number_id": settings.whatsapp_phone_number_id},
                "statuses": [item]}}]}]}


def _sent_without_callbacks(c: WhatsAppCampaign, meta) -> dict[str, Interaction]:
    meta.callbacks(False)
    try:
        sequence_tenant(c.admin)
        assert send_due(c.tenant.id) == {"sent": len(c.phones)}
    finally:
        meta.callbacks(True)
    return _rows(c.admin)


def test_a_campaign_whatsapp_slot_reaches_the_twin_once_per_attempt_and_is_read(meta):
    c = WhatsAppCampaign(count=3, names=["Mbarga", "Dupont", "Ngo"])
    assert sequence_tenant(c.admin) == 3
    assert send_due(c.tenant.id) == {"sent": 3}
    assert sequence_tenant(c.admin) == 0 and send_due(c.tenant.id) == {}  # nothing twice
    rows = _rows(c.admin)
    assert meta.attempts(c.tenant.id) == {r.id: 1 for r in rows.values()}
    first = rows[c.phones[0]]
    assert first.provider == "meta" and first.provider_id.startswith("wamid.")
    assert first.body == "Bonjour Mbarga, -10 % ce mois."
    assert first.sender == get_settings().whatsapp_phone_number_id  # the business number
    seen = meta.conversation(c.phones[0])
    assert [(m["direction"], m["text"]) for m in seen] == [("out", "Bonjour Mbarga, -10 % ce mois.")]
    read = wait_until(lambda: all(r.status == "READ" for r in _rows(c.admin).values())
                      and _rows(c.admin), timeout=30, what="read statuses")
    assert all(r.sent_at and r.delivered_at and r.read_at for r in read.values())
    [counters] = sending_funnel(c.admin, c.id)  # the campaign page's live counters
    assert (counters.channel, counters.total, counters.read, counters.progress) == (
        "WHATSAPP", 3, 3, 100)


def test_undeliverable_and_refused_numbers_fail_for_good_a_throttled_one_is_retried(meta):
    undeliverable, invalid, throttled = "+237671235502", "+237671235500", "+237671235501"
    c = WhatsAppCampaign(numbers=[undeliverable, invalid, throttled])
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 1, "failed": 1, "retry": 1}
    rows = _rows(c.admin)
    assert (rows[invalid].status, rows[invalid].failure_class) == ("FAILED", "PERMANENT")
    assert "131009" in rows[invalid].failure_reason
    assert rows[throttled].status == "QUEUED" and "130429" in rows[throttled].failure_reason
    failed = wait_until(lambda: (r := _rows(c.admin)[undeliverable]).status == "FAILED" and r,
                        timeout=30, what="undeliverable status")
    assert failed.failure_class == "PERMANENT" and "131026" in failed.failure_reason
    with tenant_session(c.admin) as s:  # the back-off has elapsed
        s.execute(update(Interaction).values(next_try_at=utcnow()))
    assert send_due(c.tenant.id) == {"sent": 1}
    assert meta.attempts(c.tenant.id)[rows[throttled].id] == 1


def test_meta_verifies_our_callback_url_with_the_verify_token(webhooks):
    url = _url(webhooks)
    ok = httpx.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                "hub.verify_token": webhooks.whatsapp_verify_token}, timeout=60)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    for params in ({"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "wrong"},
                   {"hub.mode": "subscribe", "hub.challenge": "1"},
                   {"hub.mode": "unsubscribe", "hub.challenge": "1",
                    "hub.verify_token": webhooks.whatsapp_verify_token}):
        refused = httpx.get(url, params=params, timeout=60)
        assert refused.status_code == 403 and "1" not in refused.text


def test_a_bad_or_missing_signature_is_refused_with_no_effect(meta, webhooks):
    c = WhatsAppCampaign(count=1)
    row = _sent_without_callbacks(c, meta)[c.phones[0]]
    assert row.status == "SENT"
    payload = _status(webhooks, row, c.tenant.id, "read")
    assert _post(webhooks, payload, header="").status_code == 403
    assert _post(webhooks, payload, header="sha256=" + "0" * 64).status_code == 403
    assert _post(webhooks, payload, secret="not-our-app-secret").status_code == 403
    assert _rows(c.admin)[c.phones[0]].status == "SENT"
    assert _post(webhooks, payload).status_code == 200  # the same, signed: taken
    assert _rows(c.admin)[c.phones[0]].status == "READ"


def test_replayed_and_out_of_order_statuses_end_in_one_final_state(meta, webhooks):
    c = WhatsAppCampaign(count=2)
    rows = _sent_without_callbacks(c, meta)
    row = rows[c.phones[0]]
    for status in ("read", "delivered", "sent", "read", "delivered"):
        assert _post(webhooks, _status(webhooks, row, c.tenant.id, status)).status_code == 200
    final = _rows(c.admin)[c.phones[0]]
    assert final.status == "READ" and final.sent_at and final.delivered_at and final.read_at
    first_read = final.read_at
    failed = _status(webhooks, row, c.tenant.id, "failed", errors=[{"code": 131026,
                                                                    "title": "Undeliverable"}])
    assert _post(webhooks, failed).status_code == 200
    again = _rows(c.admin)[c.phones[0]]
    assert (again.status, again.read_at) == ("READ", first_read)
    other = rows[c.phones[1]]  # failed first, then a late "delivered": still failed
    assert _post(webhooks, _status(webhooks, other, c.tenant.id, "failed",
                                   errors=[{"code": 131047, "title": "Re-engagement"}])).is_success
    assert _post(webhooks, _status(webhooks, other, c.tenant.id, "delivered")).is_success
    settled = _rows(c.admin)[c.phones[1]]
    assert settled.status == "FAILED" and "24 h" in settled.failure_reason
    forged = _status(webhooks, other, c.tenant.id, "read", id="wamid.someone-else")
    assert _post(webhooks, forged).is_success
    assert _rows(c.admin)[c.phones[1]].status == "FAILED"  # news of another message


def test_whatsapp_stop_blacklists_and_cancels_every_queued_attempt(meta):
    c = WhatsAppCampaign(count=2)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    later = create_campaign(c.admin, {**c.campaign.config, "name": "Relance WhatsApp"})
    launch_campaign(c.admin, later.id)
    sequence_tenant(c.admin)
    assert meta.inbound(c.phones[0], "  STOP ")["webhook_status"] == 200
    with tenant_session(c.admin) as s:
        entry = s.exec(select(OptOut).where(OptOut.phone == c.phones[0])).one()
        audit = s.exec(select(OptOutEvent).where(OptOutEvent.phone == c.phones[0])).one()
        queued = {r.address: r for r in s.exec(select(Interaction).where(
            Interaction.campaign_id == later.id))}
    assert (entry.channel, entry.source) == ("WHATSAPP", "STOP")
    assert "STOP" in audit.detail
    assert queued[c.phones[0]].status == "CANCELLED"
    assert queued[c.phones[1]].status == "QUEUED"
    assert _rows(c.admin, "IN")[c.phones[0]].body == "  STOP "


def test_a_customer_question_reaches_the_console_and_the_agents_answer_reaches_the_phone(meta):
    c = WhatsAppCampaign(count=1)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    phone = c.phones[0]
    meta.inbound(phone, "Stop, c'est quoi cette offre ?")
    meta.inbound(phone, type="image", caption="Ma facture")
    with tenant_session(c.admin) as s:
        assert s.exec(select(OptOut).where(OptOut.phone == phone)).first() is None
    [row] = list_conversations(c.admin)
    assert (row.channel, row.address, row.unread) == ("whatsapp", phone, 2)
    messages = thread(c.admin, row.id).messages
    assert [m.body for m in messages] == ["Stop, c'est quoi cette offre ?", "Ma facture"]
    assert messages[1].media[0]["type"] == "image" and messages[1].media[0]["meta_media_id"]
    policy = channel_policy(_conversation(c.admin, row.id), utcnow())
    assert policy.free_text and policy.window_ends_at > utcnow()

    sent = reply(c.admin, row.id, "Bonjour {Nom}, c'est -10 % sur tout.")
    assert sent is not None
    answer = wait_until(lambda: [m for m in meta.conversation(phone) if m["direction"] == "out"
                                 and "-10 % sur tout" in m["text"]], timeout=20,
                        what="the answer at the customer's phone")
    assert answer[0]["text"] == "Bonjour Client0, c'est -10 % sur tout."
    assert answer[0]["type"] == "text"


def test_outside_the_24_hour_window_the_console_allows_templates_only(meta):
    c = WhatsAppCampaign(count=1)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    meta.inbound(c.phones[0], "Bonjour")
    [row] = list_conversations(c.admin)
    later = utcnow() + timedelta(hours=24, minutes=1)
    policy = channel_policy(_conversation(c.admin, row.id), later)
    assert (policy.free_text, policy.templates_only) == (False, True)
    assert policy.window_ends_at < later and "24 h" in policy.reason
    with pytest.raises(ReplyError, match="24 h"):
        reply(c.admin, row.id, "Toujours là ?", now=later)


def _conversation(ctx, conversation_id: int):
    from services.models.conversations import Conversation

    with tenant_session(ctx) as s:
        return s.get(Conversation, conversation_id)


def test_metas_template_decisions_reach_the_registry_signed_only(meta, webhooks):
    c = WhatsAppCampaign(count=1, launch=False)  # its own template: approved by the webhook
    refused = add_template(c.admin, f"offre_refusee_t{c.tenant.id}", "fr", "MARKETING",
                           "Bonjour {{1}}, offre spéciale.")
    submit_template(c.admin, refused.id)
    rejected = wait_until(lambda: next((t for t in list_templates(c.admin)
                                        if t.id == refused.id and t.status == "REJECTED"), None),
                          timeout=20, what="template rejected")
    assert "INVALID_FORMAT" in rejected.rejection_reason and rejected.meta_template_id
    payload = {"object": "whatsapp_business_account", "entry": [{
        "id": webhooks.whatsapp_waba_id, "time": 1796150000, "changes": [{
            "field": "message_template_status_update", "value": {
                "event": "APPROVED", "message_template_id": int(rejected.meta_template_id),
                "message_template_name": rejected.name, "message_template_language": "fr",
                "reason": "NONE"}}]}]}
    assert _post(webhooks, payload, secret="forged").status_code == 403
    assert next(t for t in list_templates(c.admin) if t.id == refused.id).status == "REJECTED"
    assert _post(webhooks, payload).status_code == 200
    assert next(t for t in list_templates(c.admin) if t.id == refused.id).status == "APPROVED"


def test_attempts_in_flight_at_a_crash_go_once_news_from_meta_or_not(meta, webhooks):
    c = WhatsAppCampaign(count=2)
    sequence_tenant(c.admin)
    ctx = c.admin
    with worker_lock() as key:  # a run that will "die" at two points
        claimed = {a.address: a for a in claim_batch(ctx, key)}
        with tenant_session(ctx) as s:
            batch: Batch = _load_batch(s, ctx, list(claimed.values()))
        sent = claimed[c.phones[0]]  # sent, Meta's news held back for now
        meta.callbacks(False)
        try:
            assert process_batch(ctx, [sent], batch, utcnow()) == {sent.id: "sent"}
        finally:
            meta.callbacks(True)
        wamid = _rows(ctx)[c.phones[0]].provider_id
        with tenant_session(ctx) as s:  # ... as if it died before recording Meta's answer
            s.execute(update(Interaction).where(Interaction.id == sent.id).values(
                status="SENDING", claimed_by=key, provider_id="", provider=""))
        unsent = claimed[c.phones[1]]  # marked in flight, killed before the call
        with tenant_session(ctx) as s:
            s.execute(update(Interaction).where(Interaction.id == unsent.id).values(
                body="Bonjour Client1, -10 % ce mois.", sending_at=utcnow()))
    late = _rows(ctx)[c.phones[0]]
    late.provider_id = wamid  # Meta's `sent` webhook, delivered late (Meta retries)
    assert _post(webhooks, _status(webhooks, late, c.tenant.id, "sent")).status_code == 200
    assert _rows(ctx)[c.phones[0]].provider_id == wamid
    assert reconcile_in_flight(ctx) == 0  # no news yet for the other: too early to conclude
    assert _rows(ctx)[c.phones[1]].status == "SENDING"
    with tenant_session(ctx) as s:  # the grace has passed without any news from Meta
        s.execute(update(Interaction).where(Interaction.id == unsent.id).values(
            sending_at=utcnow() - timedelta(minutes=3)))
    assert reconcile_in_flight(ctx) == 1
    assert _rows(ctx)[c.phones[1]].status == "QUEUED"
    assert send_due(c.tenant.id) == {"sent": 1}
    rows = _rows(ctx)
    assert meta.attempts(c.tenant.id) == {r.id: 1 for r in rows.values()}
    assert rows[c.phones[0]].status in ("SENT", "DELIVERED", "READ")


def test_a_person_answers_from_the_sandbox_phone_page(meta):
    c = WhatsAppCampaign(count=1, names=["Mbarga"])
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    page = httpx.get(f"{meta.base}/_sandbox/", timeout=60).text
    assert "Bonjour Mbarga, -10 % ce mois." in page  # what the customer received
    assert f"action='{meta.base}/_sandbox/inbound'" in page  # this twin's, not Twilio's
    answer = httpx.post(f"{meta.base}/_sandbox/inbound", data={
        "from": wa_id(c.phones[0]), "body": "Je suis intéressé", "type": "text", "redirect": "1"},
        follow_redirects=True, timeout=60)
    assert answer.status_code == 200 and "Je suis intéressé" in answer.text  # back on the page
    [row] = list_conversations(c.admin)
    assert row.last_message == "Je suis intéressé"
