"""The browser's phone on the simulator: SIP over WebSocket (RFC 7118, subprotocol "sip"), as Asterisk's
`transport-wss` (asterisk/pjsip.conf, http.conf) serves the agent panel's JsSIP phone.

Process, per websocket connection (one `WsPhone`):
* REGISTER without credentials gets 401 with a Digest MD5 challenge; with them, the response is checked
  against the endpoint's secret (the generated pjsip include, pjsip_files.py) through `Endpoints.authenticate`,
  the path every simulated phone registers by, so the AMI says what a real Asterisk says (SuccessfulAuth,
  ContactStatus, PeerStatus, DeviceStateChange). 200 echoes the contact; `Expires: 0` unregisters, and so does
  the connection closing (res_pjsip removes a websocket's contacts when the transport shuts down).
* While registered the endpoint's `phone` is this connection: a `dial.Leg` towards it calls `ring(leg)`
  instead of playing a `PhonePolicy`. We send INVITE with a WebRTC offer (webrtc_sdp.py); 180 rings the leg,
  200 answers it (we ACK), 486/603 decline it, and CANCEL goes out if the caller gives up first. Once up, BYE
  from the phone hangs the channel up as a far-end hang-up does; the channel ending otherwise sends BYE.
* In the call: INFO (application/dtmf-relay) becomes DTMFBegin/DTMFEnd; a re-INVITE (hold, resume) is answered
  with the mirrored direction and Hold/Unhold events; REFER blind-transfers the bridged party to the target in
  the endpoint's context (res_pjsip_refer does the same: 202, the party is redirected, NOTIFY sipfrag 200, and
  the transferer's channel is hung up by the dialplan it leaves).
Not modelled: calls placed from the browser (INVITE out of dialog gets 403: the product places calls over
AMI), qualify OPTIONS, media.
"""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from .channels import UP
from .dial import ANSWER
from .outcomes import BUSY
from .sip_message import (SipMessage, authorization_matches, challenge, new_branch, new_tag, params, parse,
                          tag_of, uri_of, user_of)
from .webrtc_sdp import MediaIdentity, direction_of

if TYPE_CHECKING:
    from .dial import Leg
    from .pbx import Pbx

REALM = "asterisk"                 # res_pjsip's default realm
REJECTED = 21                      # Q.850 « Call rejected » (603)
ALLOW = "OPTIONS, INVITE, ACK, BYE, CANCEL, INFO, REFER, NOTIFY"


@dataclass
class Call:
    """One INVITE dialog towards the phone (we are the caller side of the dialog)."""
    leg: "Leg"
    invite: SipMessage
    media: MediaIdentity
    cseq: int = 1
    remote_tag: str = ""
    remote_target: str = ""
    final: bool = False            # a final answer to the INVITE came
    ended_by_phone: bool = False
    held: bool = False

    @property
    def call_id(self) -> str:
        return self.invite.get("Call-ID")

    def in_dialog(self, method: str, here: str, extra: list[tuple[str, str]] = (), body: str = "") -> SipMessage:
        self.cseq += 1
        return SipMessage(f"{method} {self.remote_target or self.invite.uri} SIP/2.0", [
            ("Via", f"SIP/2.0/WS {here};branch={new_branch()}"), ("Max-Forwards", "70"),
            ("From", self.invite.get("From")), ("To", f"{self.invite.get('To')};tag={self.remote_tag}"),
            ("Call-ID", self.call_id), ("CSeq", f"{self.cseq} {method}")] + list(extra), body)

    def ack(self, response: SipMessage, here: str) -> SipMessage:
        """ACK of a 2xx: a new transaction to the phone's contact; of an error: the INVITE's own transaction."""
        if 200 <= response.status < 300:
            return SipMessage(f"ACK {self.remote_target} SIP/2.0", [
                ("Via", f"SIP/2.0/WS {here};branch={new_branch()}"), ("Max-Forwards", "70"),
                ("From", self.invite.get("From")), ("To", response.get("To")), ("Call-ID", self.call_id),
                ("CSeq", f"{self.invite.cseq[0]} ACK")])
        return SipMessage(f"ACK {self.invite.uri} SIP/2.0", [
            ("Via", self.invite.get("Via")), ("Max-Forwards", "70"), ("From", self.invite.get("From")),
            ("To", response.get("To")), ("Call-ID", self.call_id), ("CSeq", f"{self.invite.cseq[0]} ACK")])

    def cancel(self) -> SipMessage:
        return SipMessage(f"CANCEL {self.invite.uri} SIP/2.0", [
            ("Via", self.invite.get("Via")), ("Max-Forwards", "70"), ("From", self.invite.get("From")),
            ("To", self.invite.get("To")), ("Call-ID", self.call_id), ("CSeq", f"{self.invite.cseq[0]} CANCEL")])


class WsPhone:
    """One websocket: the phone it carries, its registration and its calls."""

    def __init__(self, server: "SipWsServer", ws: web.WebSocketResponse) -> None:
        self.server, self.ws = server, ws
        self.pbx = server.pbx
        self.nonce = secrets.token_hex(16)
        self.endpoint: str | None = None
        self.contact = ""
        self.calls: dict[str, Call] = {}

    @property
    def here(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def send(self, message: SipMessage) -> None:
        if not self.ws.closed:
            self.pbx.spawn(self.ws.send_str(message.encode()))

    # ---- input -------------------------------------------------------------------------------
    async def serve(self) -> None:
        try:
            async for frame in self.ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = parse(frame.data)
                if message.is_request:
                    self.on_request(message)
                else:
                    self.on_response(message)
        finally:
            self.detach()

    def on_request(self, request: SipMessage) -> None:
        method = request.method
        if method == "ACK":
            return
        handler = {"REGISTER": self.on_register, "BYE": self.on_bye, "INFO": self.on_info, "REFER": self.on_refer,
                   "INVITE": self.on_invite, "OPTIONS": self.on_options, "NOTIFY": self.on_options}.get(method)
        if handler is None:
            return self.send(request.response(405, [("Allow", ALLOW)]))
        handler(request)

    def on_options(self, request: SipMessage) -> None:
        self.send(request.response(200, [("Allow", ALLOW)]))

    # ---- registration --------------------------------------------------------------------------
    def on_register(self, request: SipMessage) -> None:
        given = request.get("Authorization")
        if not given:
            return self.challenge(request)
        contact_header = request.get("Contact")
        contact = uri_of(contact_header)
        name = params(given.removeprefix("Digest")).get("username", "") or user_of(uri_of(request.get("To")))
        expires = int(params(contact_header).get("expires") or request.get("Expires") or 600)

        def answers(secret: str) -> bool:
            return authorization_matches(given, "REGISTER", secret, REALM, self.nonce)

        if expires == 0 or contact_header.strip() == "*":
            if self.endpoint == name and answers(self._secret(name)):
                self.detach()
            return self.send(request.response(200))
        if self.endpoint == name and self.contact == contact:          # a refresh: nothing changes
            if not answers(self._secret(name)):
                return self.challenge(request)
        elif not self.pbx.endpoints.authenticate(name, answers, contact):
            self.nonce = secrets.token_hex(16)
            return self.challenge(request)
        self.endpoint, self.contact = name, contact
        self.pbx.endpoints.get(name).phone = self
        self.send(request.response(200, [("Contact", f"<{contact}>;expires={expires}"), ("Expires", str(expires))]))

    def challenge(self, request: SipMessage) -> None:
        self.send(request.response(401, [("WWW-Authenticate", challenge(REALM, self.nonce))], to_tag=new_tag()))

    def _secret(self, name: str) -> str:
        endpoint = self.pbx.endpoints.get(name)
        return endpoint.password if endpoint else ""

    def detach(self) -> None:
        """The phone is gone (unregistered, or its websocket closed): its contact goes, its calls end."""
        endpoint = self.pbx.endpoints.get(self.endpoint) if self.endpoint else None
        if endpoint is not None and endpoint.phone is self:
            endpoint.phone = None
            self.pbx.endpoints.unregister(endpoint.name)
        self.endpoint, self.contact = None, ""
        for call in list(self.calls.values()):
            call.ended_by_phone = True
            call.leg.channel.request_hangup(16)

    # ---- a call to the phone --------------------------------------------------------------------
    async def ring(self, leg: "Leg") -> None:
        """The far end of `leg`: the browser, through INVITE ... BYE (module docstring)."""
        channel = leg.channel
        number, name = channel.connected if channel.connected[0] != "<unknown>" else channel.caller
        media = MediaIdentity()
        invite = SipMessage(f"INVITE {self.contact} SIP/2.0", [
            ("Via", f"SIP/2.0/WS {self.here};branch={new_branch()}"), ("Max-Forwards", "70"),
            ("From", f'"{name}" <sip:{number}@{REALM}>;tag={new_tag()}'), ("To", f"<sip:{self.endpoint}@{REALM}>"),
            ("Contact", f"<sip:asterisk@{self.here};transport=ws>"), ("Call-ID", secrets.token_hex(12)),
            ("CSeq", "1 INVITE"), ("Allow", ALLOW), ("Content-Type", "application/sdp")], media.offer())
        call = Call(leg, invite, media)
        self.calls[call.call_id] = call
        stopped = asyncio.ensure_future(channel.stop.wait())
        try:
            self.send(invite)
            await asyncio.wait({leg.reply, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not (leg.reply.done() and leg.reply.result() == ANSWER):
                if not call.final:
                    self.send(call.cancel())
                return
            await stopped
            if not call.ended_by_phone:
                self.send(call.in_dialog("BYE", self.here))
        finally:
            stopped.cancel()
            self.calls.pop(call.call_id, None)

    def on_response(self, response: SipMessage) -> None:
        call = self.calls.get(response.get("Call-ID"))
        if call is None or response.method != "INVITE":
            return                 # answers to our BYE, NOTIFY, CANCEL
        leg = call.leg
        if response.status in (180, 183):
            leg.ringing()
        elif 200 <= response.status < 300:
            call.final = True
            call.remote_tag, call.remote_target = tag_of(response.get("To")), uri_of(response.get("Contact"))
            self.send(call.ack(response, self.here))
            if leg.reply.done() or leg.channel.stop.is_set():     # answered after we gave up: end it
                self.send(call.in_dialog("BYE", self.here))
            else:
                leg.answer()
        elif response.status >= 300:
            call.final = True
            self.send(call.ack(response, self.here))
            leg.reject(REJECTED if response.status == 603 else BUSY)

    def call_of(self, request: SipMessage) -> Call | None:
        call = self.calls.get(request.get("Call-ID"))
        if call is None:
            self.send(request.response(481))
        return call

    def on_bye(self, request: SipMessage) -> None:
        if (call := self.call_of(request)) is not None:
            call.ended_by_phone = True
            self.send(request.response(200))
            call.leg.channel.request_hangup(16)

    def on_invite(self, request: SipMessage) -> None:
        call = self.calls.get(request.get("Call-ID")) if tag_of(request.get("To")) else None
        if call is None:
            return self.send(request.response(403, to_tag=new_tag()))
        channel = call.leg.channel
        held = direction_of(request.body) in ("sendonly", "inactive")
        if held != call.held and channel.state == UP:
            call.held = held
            channel.emit("Hold", [("MusicClass", "default")]) if held else channel.emit("Unhold")
        call.remote_target = uri_of(request.get("Contact")) or call.remote_target
        self.send(request.response(200, [("Contact", f"<sip:asterisk@{self.here};transport=ws>"),
                                         ("Content-Type", "application/sdp")], call.media.answer(request.body)))

    def on_info(self, request: SipMessage) -> None:
        if (call := self.call_of(request)) is None:
            return
        self.send(request.response(200))
        fields = dict(line.split("=", 1) for line in request.body.replace(" ", "").splitlines() if "=" in line)
        digit = fields.get("Signal", "")
        if digit:
            channel = call.leg.channel
            channel.emit("DTMFBegin", [("Digit", digit), ("Direction", "Received")], privilege="dtmf")
            channel.emit("DTMFEnd", [("Digit", digit), ("DurationMs", fields.get("Duration", "100")),
                                     ("Direction", "Received")], privilege="dtmf")

    def on_refer(self, request: SipMessage) -> None:
        if (call := self.call_of(request)) is None:
            return
        target = user_of(uri_of(request.get("Refer-To")))
        if not target or not call.leg.channel.blind_transfer(self.pbx.endpoints.get(self.endpoint).context, target):
            return self.send(request.response(488))
        self.send(request.response(202))
        self.send(call.in_dialog("NOTIFY", self.here, [
            ("Event", "refer"), ("Subscription-State", "terminated;reason=noresource"),
            ("Content-Type", "message/sipfrag;version=2.0")], "SIP/2.0 200 OK\r\n"))


class SipWsServer:
    """The HTTP server of the websocket (`/ws`, as Asterisk's res_http_websocket)."""

    def __init__(self, pbx: "Pbx", host: str = "127.0.0.1", port: int = 0) -> None:
        self.pbx, self.host, self.port = pbx, host, port
        self._runner: web.AppRunner | None = None
        self.phones: set[WsPhone] = set()

    async def start(self) -> "SipWsServer":
        app = web.Application()
        app.router.add_get("/ws", self._accept)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def _accept(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(protocols=("sip",), heartbeat=None)
        await ws.prepare(request)
        phone = WsPhone(self, ws)
        self.phones.add(phone)
        try:
            await phone.serve()
        finally:
            self.phones.discard(phone)
        return ws

    async def close(self) -> None:
        for phone in list(self.phones):
            await phone.ws.close()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
