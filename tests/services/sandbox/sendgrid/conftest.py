"""The SendGrid twin served from the test process, and the official SDK pointed at it."""
from __future__ import annotations

import pytest
from sendgrid import SendGridAPIClient

from services.sandbox.sendgrid.app import Mailbox, sendgrid_app
from tests.support.servers import serving

API_KEY = "SG.twin-key"


@pytest.fixture(scope="module")
def sendgrid_twin(tmp_path_factory):
    mailbox = Mailbox(tmp_path_factory.mktemp("sendgrid") / "emails.jsonl")
    with serving(lambda base: sendgrid_app(mailbox, API_KEY)) as base:
        yield SendGridAPIClient(api_key=API_KEY, host=base), mailbox
