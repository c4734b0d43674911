"""The browser's phone on the simulator: SIP over WebSocket (services/sandbox/pbx/sip_ws.py).

A small phone written here plays JsSIP's part: it registers with digest authentication with the secret of the
generated include, is rung by an Originate (the product's agent-first call), answers, and hangs up; the AMI
says what the bridge expects of a real Asterisk (ContactStatus, DeviceStateChange, OriginateResponse, Hangup).
"""
import asyncio
import secrets

import aiohttp
import pytest

from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.sip_message import (SipMessage, authorization, new_branch, new_tag, parse, tag_of,
                                              uri_of)
from services.voice.asterisk_config import tenant_flows

from .test_trace_product_config import ask, login
from .traces import Recorder

SECRET = "Xy7-enrolment-secret"


def _agent(extension: str, name: str, password: str) -> str:
    """One agent's endpoint, auth and aor, as services/voice/asterisk_config.py writes them."""
    return (f'[acme-{extension}](agent-endpoint)\ncontext = t-acme-agents\ncallerid = "{name}" <{extension}>\n'
            f"auth = acme-{extension}\naors = acme-{extension}\n\n[acme-{extension}](agent-auth)\n"
            f"username = acme-{extension}\npassword = {password}\n\n[acme-{extension}](agent-aor)\n\n")


INCLUDE = _agent("2001", "Jeanne Ekambi", SECRET) + _agent("2002", "Paul Nkodo", "other-secret")
CUSTOMER = "+15550001201"         # answers after 1.5 s and stays until someone hangs up


class BrowserPhone:
    """What JsSIP sends and answers, message by message."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, user: str) -> None:
        self.ws, self.user = ws, user
        self.contact = f"sip:{secrets.token_hex(4)}@{secrets.token_hex(4)}.invalid;transport=ws"
        self.call_id, self.cseq = secrets.token_hex(8), 0

    async def send(self, message: SipMessage) -> None:
        await self.ws.send_str(message.encode())

    async def receive(self) -> SipMessage:
        frame = await asyncio.wait_for(self.ws.receive(), 10)
        assert frame.type == aiohttp.WSMsgType.TEXT, frame
        return parse(frame.data)

    def register_request(self, expires: int = 600, auth: str = "") -> SipMessage:
        self.cseq += 1
        headers = [("Via", f"SIP/2.0/WSS b.invalid;branch={new_branch()}"), ("Max-Forwards", "69"),
                   ("To", f"<sip:{self.user}@asterisk>"), ("From", f"<sip:{self.user}@asterisk>;tag={new_tag()}"),
                   ("Call-ID", self.call_id), ("CSeq", f"{self.cseq} REGISTER"),
                   ("Contact", f'<{self.contact}>;+sip.ice;reg-id=1;expires={expires}'), ("Expires", str(expires))]
        return SipMessage("REGISTER sip:asterisk SIP/2.0", headers + ([("Authorization", auth)] if auth else []))

    async def register(self, password: str, expires: int = 600) -> SipMessage:
        await self.send(self.register_request(expires))
        challenged = await self.receive()
        assert challenged.status == 401
        answer = authorization(self.user, password, "REGISTER", "sip:asterisk", challenged.get("WWW-Authenticate"))
        await self.send(self.register_request(expires, answer))
        return await self.receive()

    def in_dialog(self, invite: SipMessage, to_tag: str, method: str, body: str = "",
                  extra: list[tuple[str, str]] = ()) -> SipMessage:
        """A request of ours in the dialog the INVITE opened (we are its callee)."""
        self.cseq += 1
        return SipMessage(f"{method} {uri_of(invite.get('Contact'))} SIP/2.0", [
            ("Via", f"SIP/2.0/WSS b.invalid;branch={new_branch()}"), ("Max-Forwards", "69"),
            ("To", invite.get("From")), ("From", f"{invite.get('To')};tag={to_tag}"),
            ("Call-ID", invite.get("Call-ID")), ("CSeq", f"{self.cseq} {method}")] + list(extra), body)


@pytest.fixture
async def world(tmp_path):
    include = tmp_path / "asterisk" / "pjsip.d" / "acme.conf"
    include.parent.mkdir(parents=True)
    include.write_text(INCLUDE)
    flows = tmp_path / "asterisk" / "extensions.d" / "acme.conf"   # Asterisk knows no context of a tenant without it
    flows.parent.mkdir(parents=True)
    flows.write_text(tenant_flows("acme", "Acme", "+15550001000"))
    queues = tmp_path / "asterisk" / "queues.d" / "acme.conf"
    queues.parent.mkdir(parents=True)
    queues.write_text("[acme-sales]\nmember => PJSIP/acme-2002,0,Paul Nkodo\n")
    control = await PbxControl.start(recordings=tmp_path / "rec", clock=VirtualClock(), sip_ws_port=0,
                                     config_dir=tmp_path / "asterisk")
    manager = await login(control.port)
    manager.recorder = Recorder(manager)
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(f"http://127.0.0.1:{control.sip_ws.port}/ws", protocols=("sip",))
    try:
        yield control, manager.recorder, manager, BrowserPhone(ws, "acme-2001")
    finally:
        await ws.close()
        await session.close()
        manager.close()
        await control.close()


async def test_the_websocket_speaks_sip_and_register_needs_the_secret_of_the_include(world):
    control, events, _, phone = world
    assert phone.ws.protocol == "sip"
    refused = await phone.register("not-the-secret")
    assert refused.status == 401
    await events.wait("ChallengeResponseFailed", AccountID="acme-2001")

    accepted = await phone.register(SECRET)
    assert accepted.status == 200
    assert uri_of(accepted.get("Contact")) == phone.contact and "expires=600" in accepted.get("Contact")
    await events.wait("SuccessfulAuth", AccountID="acme-2001")
    await events.wait("ContactStatus", AOR="acme-2001", ContactStatus="Reachable", URI=phone.contact)
    await events.wait("DeviceStateChange", Device="PJSIP/acme-2001", State="NOT_INUSE")

    await phone.ws.close()               # the tab is closed: the websocket's contact goes with it
    await events.wait("ContactStatus", AOR="acme-2001", ContactStatus="Removed")
    await events.wait("DeviceStateChange", Device="PJSIP/acme-2001", State="UNAVAILABLE")


async def ring(manager, phone: BrowserPhone, **extra) -> SipMessage:
    """The product's agent-first call to the phone (services/voice/dialer.py sends the same Originate)."""
    sent = await ask(manager, Action="Originate", Channel="PJSIP/acme-2001", Context="t-acme-outbound-agent-first",
                     Exten=CUSTOMER, Async="true", CallerID='"Acme" <+15550001000>', **extra)
    assert sent.response == "Success"
    invite = await phone.receive()
    assert invite.method == "INVITE" and invite.uri == phone.contact
    return invite


async def answer(phone: BrowserPhone, invite: SipMessage) -> str:
    tag = new_tag()
    await phone.send(invite.response(180, to_tag=tag))
    await phone.send(invite.response(200, [("Contact", f"<{phone.contact}>"), ("Content-Type", "application/sdp")],
                                     "v=0\r\n", to_tag=tag))
    ack = await phone.receive()
    assert (ack.method, tag_of(ack.get("To"))) == ("ACK", tag)
    return tag


async def test_a_call_rings_the_browser_which_answers_and_hangs_up(world):
    control, events, manager, phone = world
    assert (await phone.register(SECRET)).status == 200
    invite = await ring(manager, phone)
    offer = invite.body           # what Chromium's setRemoteDescription needs, without media
    for line in ("a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:sha-256 ", "a=setup:actpass", "a=mid:0",
                 "a=rtcp-mux", "opus/48000/2", "m=audio 9 UDP/TLS/RTP/SAVPF"):
        assert line in offer
    assert invite.get("Content-Type") == "application/sdp"
    assert '"Acme" <sip:+15550001000@' in invite.get("From")

    tag = new_tag()
    await phone.send(invite.response(180, to_tag=tag))
    await events.wait("DeviceStateChange", Device="PJSIP/acme-2001", State="RINGING")
    await phone.send(invite.response(200, [("Contact", f"<{phone.contact}>"), ("Content-Type", "application/sdp")],
                                     "v=0\r\n", to_tag=tag))
    ack = await phone.receive()
    assert (ack.method, tag_of(ack.get("To"))) == ("ACK", tag)
    answered = await events.wait("OriginateResponse", Response="Success")
    assert answered["Reason"] == "4"
    await events.wait("DeviceStateChange", Device="PJSIP/acme-2001", State="INUSE")
    await events.wait("DialEnd", DestChannel=control.customer_channel(CUSTOMER).name, DialStatus="ANSWER")

    await phone.send(phone.in_dialog(invite, tag, "BYE"))
    ok = await phone.receive()
    assert (ok.status, ok.method) == (200, "BYE")
    await events.wait("Hangup", Channel=answered["Channel"])
    await events.wait("DeviceStateChange", Device="PJSIP/acme-2001", State="NOT_INUSE")


async def test_the_customer_hanging_up_sends_bye_and_a_caller_giving_up_cancels(world):
    control, events, manager, phone = world
    assert (await phone.register(SECRET)).status == 200
    invite = await ring(manager, phone)
    tag = await answer(phone, invite)
    await events.wait("DialEnd", DestChannel=control.customer_channel(CUSTOMER).name, DialStatus="ANSWER")
    control.customer_hangup(CUSTOMER)
    bye = await phone.receive()
    assert (bye.method, tag_of(bye.get("To")), bye.uri) == ("BYE", tag, phone.contact)
    await phone.send(bye.response(200))

    invite = await ring(manager, phone, Timeout="5000")
    await phone.send(invite.response(180, to_tag=new_tag()))       # rings on: the Originate gives up
    cancel = await phone.receive()
    assert (cancel.method, cancel.get("Call-ID"), cancel.get("Via")) == ("CANCEL", invite.get("Call-ID"),
                                                                        invite.get("Via"))
    failed = await events.wait("OriginateResponse", Response="Failure")
    assert failed["Reason"] == "3"


async def test_a_declined_call_fails_the_originate(world):
    _, events, manager, phone = world
    assert (await phone.register(SECRET)).status == 200
    invite = await ring(manager, phone)
    await phone.send(invite.response(486, to_tag=new_tag()))
    ack = await phone.receive()
    assert (ack.method, ack.get("Via")) == ("ACK", invite.get("Via"))
    assert (await events.wait("OriginateResponse", Response="Failure"))["Reason"] == "0"


async def in_call_with_a_colleague_free(world):
    """The browser phone answered a customer; colleague acme-2002 is registered and rings on until answered."""
    control, events, manager, phone = world
    assert (await phone.register(SECRET)).status == 200
    control.register_phone("acme-2002")
    control.set_phone("acme-2002", "manual")
    invite = await ring(manager, phone)
    tag = await answer(phone, invite)
    customer = control.customer_channel(CUSTOMER).name
    await events.wait("DialEnd", DestChannel=customer, DialStatus="ANSWER")
    return invite, tag, customer


async def test_in_call_dtmf_hold_and_blind_transfer_to_a_colleague(world):
    control, events, manager, phone = world
    invite, tag, customer = await in_call_with_a_colleague_free(world)

    await phone.send(phone.in_dialog(invite, tag, "INFO", "Signal=5\r\nDuration=160\r\n",
                                     [("Content-Type", "application/dtmf-relay")]))
    assert (await phone.receive()).status == 200
    assert (await events.wait("DTMFEnd", Digit="5"))["Direction"] == "Received"

    offer = invite.body.replace("a=sendrecv", "a=sendonly").replace("a=setup:actpass", "a=setup:actpass")
    await phone.send(phone.in_dialog(invite, tag, "INVITE", offer, [("Contact", f"<{phone.contact}>"),
                                                                    ("Content-Type", "application/sdp")]))
    held = await phone.receive()
    assert held.status == 200 and "a=recvonly" in held.body and "a=setup:passive" in held.body
    await events.wait("Hold")

    await phone.send(phone.in_dialog(invite, tag, "REFER", extra=[("Refer-To", "<sip:2002@asterisk>")]))
    assert (await phone.receive()).status == 202
    notify = await phone.receive()
    assert notify.method == "NOTIFY" and notify.body.startswith("SIP/2.0 200")
    await phone.send(notify.response(200))
    await events.wait("DialBegin", Channel=customer, DestChannel=control.pbx.channels_of("acme-2002")[0].name)
    bye = await phone.receive()                                      # the transferer's part is over
    assert bye.method == "BYE"


async def test_a_blind_transfer_to_the_general_queue(world):
    control, events, manager, phone = world
    invite, tag, customer = await in_call_with_a_colleague_free(world)

    await phone.send(phone.in_dialog(invite, tag, "REFER", extra=[("Refer-To", "<sip:sales@asterisk>")]))
    assert (await phone.receive()).status == 202
    await events.wait("QueueCallerJoin", Channel=customer, Queue="acme-sales")
    await events.wait("AgentCalled", Channel=customer, Interface="PJSIP/acme-2002")
