"""No answer from Twilio is no verdict: the SMS may have left, so the send is of unknown fate
(reconciled later), never a permanent failure."""
import socket

import pytest

from services.providers.sms import UNKNOWN_FATE, SmsSendError
from services.providers.sms.twilio import TwilioSmsGateway


def test_a_closed_port_is_an_unknown_fate():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nobody listens there
    gateway = TwilioSmsGateway("AC1", "token", f"http://127.0.0.1:{port}")
    with pytest.raises(SmsSendError) as failed:
        gateway.send("+237670000005", "BGOTOCALL", "Bonjour", "http://127.0.0.1:1/cb")
    assert failed.value.code == UNKNOWN_FATE and not failed.value.permanent
    assert "Twilio injoignable" in str(failed.value)
