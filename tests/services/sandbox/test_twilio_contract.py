"""Contract: what our Twilio adapter sends, and what the Twilio twin answers, match Twilio's
official OpenAPI description (../shared/specs/twilio_api_v2010.json)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from services.providers.sms.twilio import TwilioSmsGateway
from services.settings import get_settings
from tests.services.messaging.conftest import phones, sandbox  # noqa: F401  (fixture)

SPEC = Path("/work/shared/specs/twilio_api_v2010.json")
if not SPEC.exists():
    SPEC = Path(__file__).resolve().parents[4] / "shared" / "specs" / "twilio_api_v2010.json"
TWILIO = "https://api.twilio.com"


@pytest.fixture(scope="module")
def twilio_api() -> OpenAPI:
    return OpenAPI.from_dict(json.loads(SPEC.read_text()))


def _recorded(last: int) -> list[dict]:
    return httpx.get(f"{get_settings().sandbox_url}/twilio/_sandbox/requests",
                     params={"last": last}, timeout=60).json()


def _as_openapi(recorded: dict) -> MockRequest:
    args = dict(httpx.QueryParams(recorded["query"])) if recorded["query"] else None
    headers = {"Authorization": f"{recorded['authorization']} credentials"} \
        if recorded["authorization"] else None
    return MockRequest(TWILIO, recorded["method"].lower(), recorded["path"], args=args,
                       headers=headers,
                       data=recorded["body"].encode() or None,
                       content_type=recorded["content_type"].split(";")[0] or "application/json")


def test_every_request_of_our_adapter_is_one_twilio_accepts(sandbox, twilio_api):  # noqa: F811
    s = get_settings()
    gateway = TwilioSmsGateway(s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base)
    to = phones(1)[0]
    sent = gateway.send(to, "BGOTOCALL", "Bonjour Awa", f"{s.twilio_status_url}?t=1&a=2")
    assert gateway.find(to, "Bonjour Awa", datetime.now(timezone.utc) - timedelta(minutes=1)) \
        .provider_id == sent.provider_id
    create, listing = _recorded(2)
    assert (create["method"], listing["method"]) == ("POST", "GET")
    for recorded in (create, listing):
        twilio_api.validate_request(_as_openapi(recorded))
    without_to = {**create, "body": "From=BGOTOCALL&Body=Bonjour"}  # the check can fail
    with pytest.raises(Exception, match="To"):
        twilio_api.validate_request(_as_openapi(without_to))


def test_the_twin_answers_as_twilio_describes(sandbox, twilio_api):  # noqa: F811
    s = get_settings()
    base = f"{s.twilio_api_base}/2010-04-01/Accounts/{s.twilio_account_sid}"
    auth = (s.twilio_account_sid, s.twilio_auth_token)
    to = phones(1)[0]
    calls = [("post", f"{base}/Messages.json", {"To": to, "From": "BGOTOCALL", "Body": "Salut"})]
    created = httpx.post(calls[0][1], data=calls[0][2], auth=auth, timeout=60)
    sid = created.json()["sid"]
    answers = [("post", "/Messages.json", created),
               ("get", f"/Messages/{sid}.json", httpx.get(f"{base}/Messages/{sid}.json", auth=auth, timeout=60)),
               ("get", "/Messages.json", httpx.get(f"{base}/Messages.json", params={"To": to},
                                                    auth=auth, timeout=60))]
    for method, tail, response in answers:
        assert response.status_code in (200, 201), response.text
        path = f"/2010-04-01/Accounts/{s.twilio_account_sid}{tail}"
        request = MockRequest(TWILIO, method, path, headers={"Authorization": "Basic x"},
                              data=b"To=%2B1&From=x&Body=y" if method == "post" else None,
                              content_type="application/x-www-form-urlencoded")
        twilio_api.validate_response(request, MockResponse(response.content,
                                                           status_code=response.status_code))
