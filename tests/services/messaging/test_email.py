"""Campaign emails end to end: rendered once for every provider (inlined CSS, text part,
open pixel, signed click redirects, RFC 8058 headers), sent through the SMTP sink or the
SendGrid twin, moved by SendGrid's signed Event Webhook, reconciled after a crash, and
falling back to SMS when they bounce."""
from __future__ import annotations

import base64
import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, update
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.messaging.messengers import Accepted, EmailMessenger, Outgoing, messenger_for
from services.messaging.reconcile import reconcile_in_flight, worker_lock
from services.messaging.sending import claim_batch, send_due
from services.messaging.sequencer import sequence_tenant
from services.models.audience import OptOut
from services.models.interactions import Interaction
from services.sandbox.sendgrid.events import signed_post
from services.settings import get_settings
from tests.services.messaging.conftest import OFFER, EmailCampaign, phones
from tests.support.inbox import messages_to
from tests.support.waiting import wait_until


def _local(url: str) -> str:
    return url.replace("localhost", "127.0.0.1")


def _address(tag: str) -> str:
    return f"{tag}-{phones(1)[0][-7:]}@exemple.cm"


def test_an_smtp_campaign_email_reaches_the_sink_rendered_with_its_headers(sandbox, webhooks):
    to = _address("awa")
    c = EmailCampaign([to], provider="smtp")
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 1}
    [mail] = messages_to(get_settings().sandbox_url, to)
    attempt = c.attempt(to)
    assert mail["via"] == "smtp" and mail["subject"] == "Offre pour Client0"
    assert (attempt.status, attempt.provider) == ("SENT", "smtp")
    assert mail["message_id"] == attempt.provider_id == f"<attempt.{c.tenant.id}.{attempt.id}@b-gotocall.com>"
    unsubscribe = re.search(r"<([^>]+)>", mail["headers"]["List-Unsubscribe"]).group(1)
    assert "/api/messaging/unsubscribe?" in unsubscribe and f"a={attempt.id}" in unsubscribe
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # CSS inlined (no <style> left), the images linked, a visible unsubscribe link, a pixel
    assert "<style" not in mail["html"] and 'style="' in mail["html"]
    assert "text-align: center" in mail["html"] and "font-size: 20px" in mail["html"]
    assert 'src="https://cdn.exemple.cm/banniere.png"' in mail["html"]
    assert "data:image" not in mail["html"] and mail["html"].count("<img") == 2  # + the pixel
    assert html.escape(unsubscribe) in mail["html"] and "/api/messaging/email/open?" in mail["html"]
    assert OFFER not in html.unescape(mail["html"]).split('href="')[1]  # the link is tracked
    assert "Bonjour Client0" in mail["text"] and unsubscribe in mail["text"]


def _tracked(mail: dict) -> tuple[str, str]:
    links = [html.unescape(u) for u in re.findall(r'href="([^"]+)"', mail["html"])]
    click = next(u for u in links if "/api/messaging/email/click?" in u)
    pixel = html.unescape(re.search(r'src="([^"]+/api/messaging/email/open[^"]+)"',
                                    mail["html"]).group(1))
    return _local(click), _local(pixel)


def test_open_and_click_are_recorded_and_the_redirect_serves_only_the_campaign_link(sandbox,
                                                                                   webhooks):
    first, second = _address("ngo"), _address("eto")
    c = EmailCampaign([first, second], provider="smtp")
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 2}
    click, pixel = _tracked(messages_to(get_settings().sandbox_url, first)[0])
    other_click, _ = _tracked(messages_to(get_settings().sandbox_url, second)[0])

    query = parse_qs(urlsplit(click).query)
    forged = click.replace("boutique.exemple.cm", "phishing.exemple.com")
    assert httpx.get(forged, timeout=60).status_code == 403
    other_attempt = parse_qs(urlsplit(other_click).query)["a"][0]
    stolen = click.replace(f"a={query['a'][0]}", f"a={other_attempt}")
    assert httpx.get(stolen, timeout=60).status_code == 403  # a signature is for its own attempt only
    assert {a.status for a in c.attempts()} == {"SENT"}

    opened = httpx.get(pixel, timeout=60)
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/gif"
    assert c.attempt(first).status == "READ"
    clicked = httpx.get(click, timeout=60)
    assert clicked.status_code == 302 and clicked.headers["location"] == OFFER
    row = c.attempt(first)
    assert (row.status, row.outcome) == ("CLICKED", "click") and row.read_at and row.clicked_at
    assert httpx.get(pixel, timeout=60).status_code == 200 and c.attempt(first).status == "CLICKED"
    assert c.attempt(second).status == "SENT"


@pytest.fixture
def events_held():
    """The SendGrid twin's Event Webhook held back: the reconciliation knows only what it looks up."""
    base = get_settings().sendgrid_host
    httpx.post(f"{base}/_sandbox/callbacks/off", timeout=60)
    yield
    httpx.post(f"{base}/_sandbox/callbacks/on", timeout=60)


def _interrupted_run(c: EmailCampaign, sent_before: str, before: timedelta) -> Accepted:
    """A run that dies after the provider call of the first attempt only, `before` ago."""
    sequence_tenant(c.admin)
    with worker_lock() as key:
        claimed = {a.address: a for a in claim_batch(c.admin, key)}
        with tenant_session(c.admin) as s:
            s.execute(update(Interaction).where(Interaction.campaign_id == c.campaign.id).values(
                body="Bonjour", sending_at=func.now() - before))
        done = claimed[sent_before]
        return messenger_for("EMAIL", c.tenant.id).send(Outgoing(
            c.tenant.id, done.id, done.address, done.sender, "Bonjour", "Offre", "<p>Bonjour</p>"))


@pytest.mark.parametrize("provider", ["smtp", "sendgrid"])
def test_a_send_interrupted_by_a_crash_is_found_at_the_provider_not_sent_again(sandbox, webhooks,
                                                                                events_held, provider):
    """SMTP: the sink by our Message-ID; SendGrid: its Email Activity API by our custom_args."""
    sent_before, never_sent = _address("sent"), _address("lost")
    c = EmailCampaign([sent_before, never_sent], provider=provider)
    accepted = _interrupted_run(c, sent_before, before=EmailMessenger.ACTIVITY_DELAY + timedelta(minutes=1))
    assert reconcile_in_flight(c.admin) == 2
    found, lost = c.attempt(sent_before), c.attempt(never_sent)
    assert (found.status, found.provider_id) == (
        "DELIVERED" if provider == "sendgrid" else "SENT", accepted.provider_id)
    assert (lost.status, lost.claimed_by) == ("QUEUED", None)
    assert send_due(c.tenant.id) == {"sent": 1}
    assert len(messages_to(get_settings().sandbox_url, sent_before)) == 1
    assert len(messages_to(get_settings().sandbox_url, never_sent)) == 1


def test_sendgrid_without_the_activity_add_on_never_resends_and_says_why(sandbox, webhooks, events_held):
    """A message SendGrid does not list yet waits; without the add-on nothing can be verified:
    the attempt fails as interrupted, is shown, and never goes twice."""
    sent, unlisted = _address("sent"), _address("unlisted")
    c = EmailCampaign([sent, unlisted], provider="sendgrid")
    _interrupted_run(c, sent, before=timedelta(0))
    assert reconcile_in_flight(c.admin) == 1                # `sent` found; `unlisted` may still come
    assert (c.attempt(unlisted).status, c.attempt(sent).status) == ("SENDING", "DELIVERED")
    httpx.post(f"{get_settings().sendgrid_host}/_sandbox/activity/off", timeout=60)
    try:
        assert reconcile_in_flight(c.admin) == 1
    finally:
        httpx.post(f"{get_settings().sendgrid_host}/_sandbox/activity/on", timeout=60)
    lost = c.attempt(unlisted)
    assert (lost.status, lost.failure_class) == ("FAILED", "INTERRUPTED")
    assert "historique d'activité non souscrit" in lost.failure_reason
    assert send_due(c.tenant.id) == {} and messages_to(get_settings().sandbox_url, unlisted) == []


def _post_events(events: list[dict], headers: dict | None = None, body: bytes | None = None):
    signed_body, signed_headers = signed_post(events)
    return httpx.post(_local(get_settings().sendgrid_event_url), content=body or signed_body,
                      headers=signed_headers if headers is None else headers, timeout=60)


def test_sendgrid_events_are_signed_and_move_the_attempt_to_one_final_state(sandbox, webhooks):
    to = _address("mbarga")
    c = EmailCampaign([to])
    sequence_tenant(c.admin)
    assert send_due(c.tenant.id) == {"sent": 1}
    [mail] = messages_to(get_settings().sandbox_url, to)
    assert mail["via"] == "sendgrid" and mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = wait_until(lambda: (r := c.attempt(to)).status == "DELIVERED" and r, timeout=20,
                     what="the twin's signed delivered event")
    event = {"email": to, "event": "click", "timestamp": 1, "sg_message_id": f"{row.provider_id}.f1",
             "attempt": f"{c.tenant.id}:{row.id}", "tenant": str(c.tenant.id), "url": OFFER}

    body, headers = signed_post([event])
    assert _post_events([], headers={**headers, "X-Twilio-Email-Event-Webhook-Signature": ""},
                        body=body).status_code == 403
    assert _post_events([], headers={"Content-Type": "application/json"}, body=body).status_code == 403
    tampered = body.replace(b'"click"', b'"bounce"')
    assert _post_events([], headers=headers, body=tampered).status_code == 403
    stranger = ec.generate_private_key(ec.SECP256R1())
    forged_body, forged_headers = signed_post([{**event, "event": "bounce"}], key=stranger)
    assert _post_events([], headers=forged_headers, body=forged_body).status_code == 403
    assert _post_events([], headers={**headers, "X-Twilio-Email-Event-Webhook-Signature":
                                     base64.b64encode(b"garbage").decode()},
                        body=body).status_code == 403
    assert c.attempt(to).status == "DELIVERED"

    assert _post_events([event]).json() == {"events": ["CLICKED"]}
    late = [{**event, "event": e} for e in ("delivered", "open", "processed")]
    assert _post_events(late + [event]).json() == {"events": ["CLICKED"] * 4}
    final = c.attempt(to)
    assert (final.status, final.outcome) == ("CLICKED", "click") and final.read_at


def test_a_bounce_fails_the_email_and_queues_the_sms_fallback_exactly_once(sandbox, webhooks):
    bounced, fine = _address("bounce"), _address("fine")
    c = EmailCampaign([bounced, fine], fallback_sms=True)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)  # the bounce may come back while the run still sends
    failed = wait_until(lambda: (r := c.attempt(bounced)).status == "FAILED" and r, timeout=20,
                        what="the twin's signed bounce event")
    assert failed.failure_class == "PERMANENT" and "550" in failed.failure_reason
    wait_until(lambda: c.attempt(fine).status == "DELIVERED", timeout=20, what="delivered")
    bounce = {"email": bounced, "event": "bounce", "timestamp": 1, "reason": "550 5.1.1",
              "sg_message_id": f"{failed.provider_id}.f", "attempt": f"{c.tenant.id}:{failed.id}"}
    assert _post_events([bounce, bounce]).json() == {"events": ["FAILED", "FAILED"]}
    sequence_tenant(c.admin)

    send_due(c.tenant.id)
    sms = [a for a in c.attempts() if a.slot == "sms"]
    assert [(a.step, a.address) for a in sms] == [(1, c.phones[0])]
    assert sms[0].status in ("SENT", "DELIVERED")
    assert send_due(c.tenant.id) == {}
    assert sandbox.attempts(c.tenant.id) == {sms[0].id: 1}
    assert [m["body"] for m in sandbox.messages_to(c.phones[0])] == [
        "Bonjour Client0, votre email nous est revenu."]


def test_an_unsubscribe_or_spam_report_event_blacklists_the_recipient(sandbox, webhooks):
    to = _address("spam")
    c = EmailCampaign([to])
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    row = c.attempt(to)
    played = httpx.post(f"{get_settings().sandbox_url}/sendgrid/_sandbox/events",
                        json={"attempt": f"{c.tenant.id}:{row.id}", "event": "spamreport"}, timeout=60)
    assert played.json() == {"webhook_status": 200}
    with tenant_session(c.admin) as s:
        assert {o.email or o.phone for o in s.exec(select(OptOut))} == {to, c.phones[0]}
