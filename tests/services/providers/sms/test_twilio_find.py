"""Finding a message after a crash: one Twilio still holds in its queue (no date sent yet) is
found as well as one it sent, so reconciliation never sends it a second time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from services.providers.sms.twilio import TwilioSmsGateway
from services.settings import get_settings
from tests.services.messaging.conftest import phones, sandbox  # noqa: F401  (fixture)


def _held(count: int) -> list[str]:
    """Numbers whose messages the twin keeps queued (last digits 04)."""
    return [p[:-2] + "04" for p in phones(count)]


def test_a_message_still_in_twilios_queue_is_found(sandbox):  # noqa: F811
    s = get_settings()
    gateway = TwilioSmsGateway(s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base)
    to = _held(1)[0]
    since = datetime.now(timezone.utc)
    sent = gateway.send(to, "BGOTOCALL", "Bonjour Awa", f"{s.twilio_status_url}?t=1&a=3")
    assert sent.status == "queued"
    found = gateway.find(to, "Bonjour Awa", since)
    assert (found.provider_id, found.status) == (sent.provider_id, "queued")
    assert gateway.find(to, "Bonsoir Awa", since) is None


def test_the_twins_date_sent_filter_leaves_out_what_is_not_sent_yet(sandbox):  # noqa: F811
    """As Twilio's DateSent filters on the date sent: why the adapter does not use it."""
    s = get_settings()
    base = f"{s.twilio_api_base}/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json"
    auth = (s.twilio_account_sid, s.twilio_auth_token)
    to = _held(1)[0]
    assert httpx.post(base, data={"To": to, "From": "BGOTOCALL", "Body": "Salut"}, auth=auth,
                      timeout=60).status_code == 201
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = [httpx.get(base, params=params, auth=auth, timeout=60).json()["messages"]
              for params in ({"To": to}, {"To": to, "DateSent>": yesterday})]
    assert [len(m) for m in listed] == [1, 0]
    assert listed[0][0]["date_sent"] is None
