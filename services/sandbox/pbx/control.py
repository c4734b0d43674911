"""The other side of the PBX, for the sandbox UI and for tests: phones, customers, restarts."""
from __future__ import annotations

from pathlib import Path

from .channels import Channel, RING
from .clock import RealClock, VirtualClock
from .dialplan import run, run_context
from .endpoints import PhonePolicy
from .events import EventBus
from .pbx import CARRIER, Pbx
from .server import AmiServer
from .sip_ws import SipWsServer
from .tenants import Tenant
from .wire import Fields


class PbxControl:
    def __init__(self, server: AmiServer, sip_ws: SipWsServer | None = None) -> None:
        self.server = server
        self.sip_ws = sip_ws        # the browsers' phones (SIP over WebSocket), when started with a port

    @classmethod
    async def start(cls, *, host: str = "127.0.0.1", port: int = 0, username: str = "amiuser",
                    secret: str = "amipass", recordings: Path | str = "recordings",
                    tenants: list[Tenant] | None = None, clock: RealClock | VirtualClock | None = None,
                    auth_failure_delay: float = 1.0, seed: int = 0,
                    config_dir: Path | str | None = None, extra_users: dict[str, str] | None = None,
                    allow_multiple_login: bool = False, sip_ws_port: int | None = None) -> "PbxControl":
        """`sip_ws_port`: also serve WebRTC phones on ws://host:port/ws (0: any free port)."""
        pbx = Pbx(tenants=tenants, clock=clock, recordings=recordings, seed=seed,
                  config_dir=config_dir)
        server = AmiServer(pbx, host=host, port=port, username=username, secret=secret,
                           auth_failure_delay=auth_failure_delay, extra_users=extra_users,
                           allow_multiple_login=allow_multiple_login)
        await server.start()
        return cls(server, await SipWsServer(pbx, host, sip_ws_port).start() if sip_ws_port is not None else None)

    @property
    def pbx(self) -> Pbx:
        return self.server.pbx

    @property
    def bus(self) -> EventBus:
        return self.pbx.bus

    @property
    def port(self) -> int:
        return self.server.port

    async def wait_for(self, event: str, timeout: float = 5.0, **match: str) -> Fields:
        return await self.bus.wait_for(event, timeout, **match)

    # ---- agent phones ----------------------------------------------------------------------------
    def register_phone(self, endpoint: str, password: str | None = None, port: int = 5082) -> bool:
        found = self.pbx.endpoints.get(endpoint)
        return self.pbx.endpoints.register(endpoint, found.password if password is None else password, port)

    def unregister_phone(self, endpoint: str) -> None:
        self.pbx.endpoints.unregister(endpoint)

    def set_phone(self, endpoint: str, mode: str = "answer", ring_seconds: float = 1.0,
                  hangup_after: float | None = None, media: bool = True) -> None:
        """mode: 'answer' (after ring_seconds), 'reject' (486), 'ignore' (rings on), 'manual' (wait for us);
        media=False: a phone that sends no RTP (SIPp)."""
        self.pbx.endpoints.get(endpoint).policy = PhonePolicy(mode, ring_seconds, hangup_after, media)

    def ringing_leg(self, endpoint: str):
        leg = next((c.leg for c in self.pbx.channels_of(endpoint) if c.leg and not c.leg.reply.done()), None)
        if leg is None:
            raise LookupError(f"{endpoint} is not ringing")
        return leg

    def answer(self, endpoint: str) -> None:
        self.ringing_leg(endpoint).answer()

    def reject(self, endpoint: str, cause: int = 17) -> None:
        self.ringing_leg(endpoint).reject(cause)

    def hangup_phone(self, endpoint: str) -> None:
        for channel in self.pbx.channels_of(endpoint):
            channel.request_hangup(16)

    # ---- customers ---------------------------------------------------------------------------------
    def inbound_call(self, did: str, caller_number: str, caller_name: str = "", digits: str = "") -> str:
        """A customer calls a DID through the carrier trunk; `digits` are pressed at the IVR prompt."""
        return place_inbound_call(self.pbx, did, caller_number, caller_name, digits)

    def customer_channel(self, number: str) -> Channel:
        matches = [c for c in self.pbx.channels.values() if c.device == f"PJSIP/{CARRIER}"
                   and number in (c.caller[0], c.exten, getattr(c.leg, "number", None))]
        if not matches:
            raise LookupError(f"no live call with {number}")
        return matches[-1]

    def customer_hangup(self, number_or_channel: str) -> None:
        channel = self.pbx.find(number_or_channel) or self.customer_channel(number_or_channel)
        channel.request_hangup(16)

    def hangup(self, channel_name: str) -> None:
        """The far end of any channel sends BYE."""
        self.pbx.find(channel_name).request_hangup(16)

    # ---- the server -----------------------------------------------------------------------------------
    async def restart(self, boot_seconds: float | None = 0.0) -> None:
        """`core restart now`; boot_seconds=None: Asterisk boots until `finish_boot()`."""
        await self.server.restart(boot_seconds)

    def finish_boot(self) -> None:
        self.server.finish_boot()

    async def close(self) -> None:
        if self.sip_ws:
            await self.sip_ws.close()
        await self.server.close()

    @property
    def recordings(self) -> list[Path]:
        return list(self.pbx.recorder.files)


def place_inbound_call(pbx: Pbx, did: str, caller_number: str, caller_name: str = "", digits: str = "") -> str:
    """The carrier delivers a customer's call to `did`: the DID's own lines of the tenant's include when
    it has some (its IVR menu), else the tenant's inbound flow; returns the caller's channel."""
    tenant = pbx.tenant_of_did(did)
    if tenant is None:
        raise LookupError(f"no tenant owns DID {did}")
    carrier = pbx.endpoints.get(CARRIER)
    channel = pbx.new_pjsip(carrier, state=RING)
    channel.caller, channel.exten, channel.context = (caller_number, caller_name), did, "from-carrier"
    channel.dtmf = list(digits)
    channel.announce()
    if did in pbx.dialplan.get("from-carrier", {}):
        run(channel, lambda c: run_context(c, "from-carrier", did))
    else:
        run(channel, lambda c: run_context(c, tenant.context("from-carrier"), did))
    return channel.name
