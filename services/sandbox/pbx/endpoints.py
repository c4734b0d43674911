"""PJSIP endpoints per tenant, softphone registration, device states and the PJSIPShow* lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .wire import Fields

if TYPE_CHECKING:
    from .pbx import Pbx

NOT_INUSE, INUSE, RINGING, UNAVAILABLE, BUSY = "NOT_INUSE", "INUSE", "RINGING", "UNAVAILABLE", "BUSY"
DEVICE_LABEL = {NOT_INUSE: "Not in use", INUSE: "In use", RINGING: "Ringing", UNAVAILABLE: "Unavailable",
                BUSY: "Busy"}
QUEUE_STATUS = {NOT_INUSE: 1, INUSE: 2, BUSY: 3, UNAVAILABLE: 5, RINGING: 6}


@dataclass
class PhonePolicy:
    """How a softphone reacts to a call: 'answer' after `ring_seconds`, 'reject' (486), 'ignore', 'manual'.
    `media`: it sends RTP once answered (the recorded traces' phones); a phone that sends none (SIPp) leaves
    ChanSpy deaf to its own channel's hang-up (issue 11 defect 5, spy.py)."""
    mode: str = "answer"
    ring_seconds: float = 1.0
    hangup_after: float | None = None
    media: bool = True


@dataclass
class Endpoint:
    name: str
    context: str
    display_name: str
    password: str = ""
    port: int = 5060
    contact: str | None = None
    policy: PhonePolicy = field(default_factory=PhonePolicy)
    is_trunk: bool = False
    busy_at: int = 0      # pjsip device_state_busy_at: BUSY from that many ringing/up channels (trace 17)
    transport: str = "transport-udp"
    phone: object | None = None   # a softphone on a live connection (sip_ws.WsPhone): it answers, not `policy`

    @property
    def device(self) -> str:
        return f"PJSIP/{self.name}"

    @property
    def contact_uri(self) -> str:
        return self.contact or ""

    def list_item(self, state: str) -> Fields:
        contacts = f"{self.name}/{self.contact}," if self.contact else ""
        return [("ObjectType", "endpoint"), ("ObjectName", self.name), ("Transport", self.transport),
                ("Aor", self.name), ("Auths", "" if self.is_trunk else self.name), ("OutboundAuths", ""),
                ("Contacts", contacts), ("DeviceState", DEVICE_LABEL[state]), ("ActiveChannels", "0")]

    def details(self, state: str) -> list[tuple[str, Fields]]:
        """The objects PJSIPShowEndpoint lists (a subset of Asterisk's many fields)."""
        base = [("ObjectType", "endpoint"), ("ObjectName", self.name), ("Context", self.context),
                ("Callerid", f'"{self.display_name}" <{self.name}>'), ("Aors", self.name),
                ("Auth", "" if self.is_trunk else self.name), ("Transport", self.transport),
                ("Webrtc", "no"), ("DirectMedia", "false"), ("DtmfMode", "rfc4733"), ("Allow", "(ulaw)"),
                ("DeviceState", DEVICE_LABEL[state]), ("ActiveChannels", "0")]
        items = [("EndpointDetail", base)]
        if not self.is_trunk:
            items.append(("AuthDetail", [("ObjectType", "auth"), ("ObjectName", self.name),
                                         ("Username", self.name), ("AuthType", "userpass"),
                                         ("Password", self.password), ("EndpointName", self.name)]))
        items.append(("TransportDetail", [("ObjectType", "transport"), ("ObjectName", "transport-udp"),
                                          ("Protocol", "udp"), ("Bind", "127.0.0.1:5060"),
                                          ("EndpointName", self.name)]))
        items.append(("AorDetail", [("ObjectType", "aor"), ("ObjectName", self.name), ("MaxContacts", "1"),
                                    ("Contacts", f"{self.name}/{self.contact}" if self.contact else ""),
                                    ("QualifyFrequency", "60"), ("TotalContacts", str(int(bool(self.contact)))),
                                    ("ContactsRegistered", str(int(bool(self.contact)))),
                                    ("EndpointName", self.name)]))
        if self.contact:
            items.append(("ContactStatusDetail", [("AOR", self.name), ("URI", self.contact),
                                                  ("UserAgent", "Softphone-sim/1.0"), ("Status", "Reachable"),
                                                  ("RoundtripUsec", "379"), ("EndpointName", self.name)]))
        return items


class Endpoints:
    def __init__(self, pbx: "Pbx") -> None:
        self.pbx = pbx
        self.by_name: dict[str, Endpoint] = {}

    def add(self, endpoint: Endpoint) -> Endpoint:
        self.by_name[endpoint.name] = endpoint
        return endpoint

    def get(self, name: str) -> Endpoint | None:
        return self.by_name.get(name)

    def register(self, name: str, password: str, port: int = 5082) -> bool:
        """A softphone sends REGISTER: a challenge, then success or failure (trace 01). An endpoint that
        is not (or no longer) configured is refused with res_pjsip's InvalidAccountID security event."""
        return self.authenticate(name, lambda secret: password == secret, f"sip:{name}@127.0.0.1:{port}")

    def authenticate(self, name: str, answers: Callable[[str], bool], contact: str) -> bool:
        """REGISTER of `name` whose digest `answers(secret)` or not; on success `contact` is its contact.
        Every phone registers through here, whatever carries its SIP (sip_ws.py for the browser's)."""
        call_id = f"{self.pbx.naming.uniqueid()}@127.0.0.1"
        endpoint = self.by_name.get(name)
        if endpoint is None:
            self._security("InvalidAccountID", "Error", Endpoint(name, "", name), call_id, [])
            return False
        self._security("ChallengeSent", "Informational", endpoint, call_id, [("Challenge", "")])
        if not answers(endpoint.password):
            self._security("ChallengeResponseFailed", "Error", endpoint, call_id,
                           [("Challenge", ""), ("Response", ""), ("ExpectedResponse", "")])
            return False
        self._security("SuccessfulAuth", "Informational", endpoint, call_id, [("UsingPassword", "1")])
        endpoint.contact = contact
        self._contact_status(endpoint, "NonQualified", "0")
        self.pbx.bus.emit("PeerStatus", "system", [("ChannelType", "PJSIP"), ("Peer", endpoint.device),
                                                   ("PeerStatus", "Reachable")])
        self._contact_status(endpoint, "Reachable", "379")
        self.pbx.devices.refresh(endpoint.device)
        return True

    def unregister(self, name: str) -> None:
        endpoint = self.by_name[name]
        if endpoint.contact:
            self._contact_status(endpoint, "Removed", "0")
            endpoint.contact = None
            self.pbx.bus.emit("PeerStatus", "system", [("ChannelType", "PJSIP"), ("Peer", endpoint.device),
                                                       ("PeerStatus", "Unreachable")])
            self.pbx.devices.refresh(endpoint.device)

    def _contact_status(self, endpoint: Endpoint, status: str, rtt: str) -> None:
        self.pbx.bus.emit("ContactStatus", "system", [("URI", endpoint.contact_uri), ("ContactStatus", status),
                                                      ("AOR", endpoint.name), ("EndpointName", endpoint.name),
                                                      ("RoundtripUsec", rtt)])

    def _security(self, event: str, severity: str, endpoint: Endpoint, session: str, extra: Fields) -> None:
        self.pbx.bus.emit(event, "security", [
            ("EventTV", self.pbx.event_tv()), ("Severity", severity), ("Service", "PJSIP"), ("EventVersion", "1"),
            ("AccountID", endpoint.name), ("SessionID", session), ("LocalAddress", "IPV4/UDP/127.0.0.1/5060"),
            ("RemoteAddress", "IPV4/UDP/127.0.0.1/5092")] + extra)


class DeviceStates:
    """Device state per device name, recomputed from the live channels; changes become events."""

    def __init__(self, pbx: "Pbx") -> None:
        self.pbx = pbx
        self.states: dict[str, str] = {}

    def state_of(self, device: str) -> str:
        channels = [c for c in self.pbx.channels.values() if c.device == device]
        endpoint = self.pbx.endpoints.get(device.removeprefix("PJSIP/"))
        if endpoint and endpoint.busy_at and sum(1 for c in channels if c.state in (4, 5, 6)) >= endpoint.busy_at:
            return BUSY                 # even while the phone still rings
        if any(c.state == 6 for c in channels):
            return INUSE
        if any(c.state == 5 for c in channels):
            return RINGING
        if device.startswith("PJSIP/") and (endpoint is None or (not endpoint.contact and not endpoint.is_trunk)):
            return UNAVAILABLE
        return NOT_INUSE

    def refresh(self, device: str) -> None:
        state = self.state_of(device)
        if self.states.get(device, self.initial(device)) == state:
            return
        self.states[device] = state
        self.set(device, state)
        self.pbx.queues.device_changed(device, state)

    def initial(self, device: str) -> str:
        return self.states.setdefault(device, self.state_of(device))

    def set(self, device: str, state: str) -> None:
        self.pbx.bus.emit("DeviceStateChange", "call", [("Device", device), ("State", state)])

    def prime(self) -> None:
        for endpoint in self.pbx.endpoints.by_name.values():
            self.initial(endpoint.device)
