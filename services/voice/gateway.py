"""The PBX gateway: one AMI connection (panoramisk) with back-off reconnect, resync and typed events.

`PbxGateway.start()` connects and logs in; after every (re)login, once Asterisk says `FullyBooted` (a
booting Asterisk accepts the login but refuses actions until then), it resynchronises what it must know
(endpoint device states, queue members, active channels), retrying with back-off until it succeeds, and
hands a `Resynced` event to `on_event`, so a consumer rebuilds its view after a PBX restart. Actions are
sent with `action()` and answered or refused (`PbxError`) within a timeout; a refused list action is
refused at once (panoramisk 1.4 waits for a list that never comes when told `as_list=True`).
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from panoramisk import Manager

from services.settings import get_settings

log = logging.getLogger(__name__)


class PbxError(RuntimeError):
    """The PBX refused an action (`Response: Error`) or did not answer in time."""


@dataclass(frozen=True)
class PbxConfig:
    host: str
    port: int
    username: str
    secret: str


def pbx_config() -> PbxConfig:
    return PbxConfig(os.environ.get("BGC_PBX_HOST", "127.0.0.1"), get_settings().pbx_port,
                     os.environ.get("BGC_AMI_USER", "amiuser"), os.environ.get("BGC_AMI_SECRET", "amipass"))


# ---- typed domain events ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceChanged:
    endpoint: str        # "demo-2001"
    state: str           # NOT_INUSE, INUSE, RINGING, UNAVAILABLE, ...


@dataclass(frozen=True)
class MemberPaused:
    queue: str
    endpoint: str
    paused: bool
    reason: str


@dataclass(frozen=True)
class SpyStarted:
    spyer_channel: str          # the channel running ChanSpy: a Local ;2 behind the supervisor's leg
    spyee_channel: str
    spyer_linkedid: str = ""    # the supervisor's originated leg (its Uniqueid: the coaching's ChannelId)


@dataclass(frozen=True)
class SpyStopped:
    spyer_channel: str
    spyee_channel: str
    spyer_linkedid: str = ""


@dataclass(frozen=True)
class ChannelCreated:
    channel: str
    uniqueid: str


@dataclass(frozen=True)
class ChannelHungUp:
    channel: str
    linkedid: str
    cause: str
    uniqueid: str = ""


@dataclass(frozen=True)
class Resynced:
    """The whole picture after a (re)login: endpoint -> device state, queue -> members, live channels."""
    endpoints: dict[str, str]
    members: dict[str, list[dict]] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)


DomainEvent = (DeviceChanged | MemberPaused | SpyStarted | SpyStopped | ChannelCreated | ChannelHungUp
               | Resynced)
_LABELS = {"Not in use": "NOT_INUSE", "In use": "INUSE", "Ringing": "RINGING", "Unavailable": "UNAVAILABLE",
           "Busy": "BUSY", "On Hold": "ONHOLD", "Ring+Inuse": "RINGINUSE", "Invalid": "INVALID"}


def endpoint_of(interface: str) -> str:
    """'PJSIP/demo-2001' -> 'demo-2001'; 'PJSIP/demo-2001-0000000a' (a channel) -> 'demo-2001'."""
    name = interface.split("/", 1)[-1]
    head, _, tail = name.rpartition("-")
    return head if len(tail) == 8 and all(c in "0123456789abcdef" for c in tail) else name


def to_domain(message: Any) -> DomainEvent | None:
    """An AMI event as the domain sees it, or None when it means nothing to us."""
    kind = message.get("Event")
    if kind == "DeviceStateChange" and message.get("Device", "").startswith("PJSIP/"):
        return DeviceChanged(endpoint_of(message["Device"]), message.get("State", ""))
    if kind == "QueueMemberPause":
        return MemberPaused(message.get("Queue", ""), endpoint_of(message.get("Interface", "")),
                            message.get("Paused") == "1", message.get("PausedReason") or message.get("Reason", ""))
    if kind in ("ChanSpyStart", "ChanSpyStop"):
        cls = SpyStarted if kind == "ChanSpyStart" else SpyStopped
        return cls(message.get("SpyerChannel", ""), message.get("SpyeeChannel", ""), message.get("SpyerLinkedid", ""))
    if kind == "Newchannel":
        return ChannelCreated(message.get("Channel", ""), message.get("Uniqueid", ""))
    if kind == "Hangup":
        return ChannelHungUp(message.get("Channel", ""), message.get("Linkedid", ""), message.get("Cause", ""),
                             message.get("Uniqueid", ""))
    return None


class _BackoffManager(Manager):
    """panoramisk's Manager, reconnecting after `delay` seconds that double up to a ceiling."""

    def __init__(self, *, backoff: tuple[float, float], **config: Any) -> None:
        super().__init__(**config)
        self.first_delay, self.max_delay = backoff
        self.reconnect_timeout = self.first_delay

    def _grow(self) -> None:
        self.reconnect_timeout = min(self.max_delay, self.reconnect_timeout * 2)

    def connection_made(self, f):
        if f.exception() is not None:
            self._grow()
        super().connection_made(f)

    def connection_lost(self, exc):
        super().connection_lost(exc)
        self._grow()


class PbxGateway:
    def __init__(self, config: PbxConfig, on_event: Callable[[DomainEvent], None] | None = None, *,
                 backoff: tuple[float, float] = (0.2, 10.0), timeout: float = 10.0) -> None:
        self.config, self.on_event, self.timeout = config, on_event or (lambda event: None), timeout
        self.ready = asyncio.Event()
        self.booted = asyncio.Event()            # FullyBooted seen on the current connection
        self._resyncing: asyncio.Future | None = None
        self.logins = 0
        self._backoff = backoff
        self._manager: _BackoffManager | None = None
        self._raw: list[Callable[[Any], None]] = []

    async def start(self, wait: float | None = 30.0) -> "PbxGateway":
        loop = asyncio.get_running_loop()
        self._manager = _BackoffManager(
            loop=loop, host=self.config.host, port=self.config.port, username=self.config.username,
            secret=self.config.secret, ping_delay=10, ping_interval=10, backoff=self._backoff,
            on_login=self._logged_in, on_disconnect=self._lost, on_connect=lambda m: None, log=log)
        self._manager.register_event("*", self._dispatch)
        self._manager.connect()
        if wait:
            await asyncio.wait_for(self.ready.wait(), wait)
        return self

    def on_raw(self, callback: Callable[[Any], None]) -> None:
        """Also see every raw AMI event (tests, benchmarks)."""
        self._raw.append(callback)

    def close(self) -> None:
        if self._manager is not None:
            self._manager.connection_lost = lambda exc: None   # no reconnect after a deliberate close
            self._manager.close()

    # ---- connection life ----------------------------------------------------------------------------
    def _logged_in(self, manager: Manager) -> None:
        manager.reconnect_timeout = self._backoff[0]
        self.logins += 1
        self._resyncing = asyncio.ensure_future(self._resync(self.logins))

    def _lost(self, manager: Manager, exc: Exception | None) -> None:
        self.ready.clear()
        self.booted.clear()
        log.warning("AMI connection lost (%s); reconnecting with back-off", exc)

    async def _resync(self, login: int) -> None:
        """After FullyBooted, the snapshot; a failure is retried with back-off while this login lasts."""
        delay = self._backoff[0]
        await self.booted.wait()
        while login == self.logins and self._manager is not None:
            try:
                snapshot = await self.snapshot()
            except PbxError as error:
                log.warning("resync failed (%s); again in %.1f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(self._backoff[1], delay * 2)
                await self.booted.wait()
                continue
            if login == self.logins:
                self.on_event(snapshot)
                self.ready.set()
            return

    async def snapshot(self) -> Resynced:
        endpoints = {item["ObjectName"]: _LABELS.get(item.get("DeviceState", ""), "UNKNOWN")
                     for item in await self.listing("PJSIPShowEndpoints", "EndpointList")}
        members: dict[str, list[dict]] = {}
        for item in await self.listing("QueueStatus", "QueueMember"):
            members.setdefault(item["Queue"], []).append(
                {"endpoint": endpoint_of(item.get("StateInterface") or item.get("Location", "")),
                 "paused": item.get("Paused") == "1", "reason": item.get("PausedReason", ""),
                 "name": item.get("Name", ""), "penalty": int(item.get("Penalty") or 0)})
        channels = [endpoint for endpoint, state in endpoints.items() if state in ("INUSE", "RINGING")]
        return Resynced(endpoints, members, channels)

    def _dispatch(self, manager: Manager, message: Any) -> None:
        if message.get("Event") == "FullyBooted":
            self.booted.set()
        elif message.get("Event") == "Shutdown":
            self.ready.clear()
            self.booted.clear()
        for callback in self._raw:
            callback(message)
        event = to_domain(message)
        if event is not None:
            self.on_event(event)

    # ---- actions ------------------------------------------------------------------------------------
    async def action(self, name: str, *, as_list: bool | None = None, **fields: str) -> Any:
        if self._manager is None or not self._manager.authenticated:
            await asyncio.wait_for(self.ready.wait(), self.timeout)
        future = self._manager.send_action({"Action": name, **fields}, as_list=as_list)
        try:
            response = await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError as exc:
            raise PbxError(f"{name}: no answer from the PBX") from exc
        head = response[0] if isinstance(response, list) else response
        if head.get("Response") == "Error":
            raise PbxError(head.get("Message", f"{name} failed"))
        return response

    async def listing(self, name: str, item_event: str, **fields: str) -> list[Any]:
        """A list action's items. panoramisk sees the list from `EventList: start`, and an error reply
        stays a single message (so `action()` raises it) instead of a list that never completes."""
        response = await self.action(name, as_list=None, **fields)
        if not isinstance(response, list):
            return []
        return [item for item in response if item.get("Event") == item_event]

    async def originate(self, channel: str, context: str, exten: str, *, caller_id: str = "",
                        variables: dict[str, str] | None = None, timeout_ms: int = 30000,
                        action_id: str | None = None, channel_id: str | None = None) -> Any:
        """`channel_id` becomes the new channel's Uniqueid: it can be hung up by it even while ringing."""
        fields = {"Channel": channel, "Context": context, "Exten": exten, "Priority": "1",
                  "Timeout": str(timeout_ms), "Async": "true"}
        if channel_id:
            fields["ChannelId"] = channel_id
        if caller_id:
            fields["CallerID"] = caller_id
        if action_id:
            fields["ActionID"] = action_id
        if variables:
            fields["Variable"] = [f"{k}={v}" for k, v in variables.items()]
        return await self.action("Originate", as_list=False, **fields)

    async def hangup(self, channel: str) -> Any:
        return await self.action("Hangup", Channel=channel)

    async def queue_add(self, queue: str, endpoint: str, member_name: str = "", penalty: int = 0,
                        paused: bool = False, reason: str = "") -> Any:
        """An agent on a break or in post-call work joins `paused`, with its reason."""
        fields = {"Paused": "true" if paused else "false", **({"Reason": reason} if paused and reason else {})}
        return await self.action("QueueAdd", as_list=False, Queue=queue, Interface=f"PJSIP/{endpoint}",
                                 MemberName=member_name or endpoint, Penalty=str(penalty),
                                 StateInterface=f"PJSIP/{endpoint}", **fields)

    async def queue_penalty(self, queue: str, endpoint: str, penalty: int) -> Any:
        return await self.action("QueuePenalty", as_list=False, Queue=queue, Interface=f"PJSIP/{endpoint}",
                                 Penalty=str(penalty))

    async def prioritize_caller(self, queue: str, channel: str, priority: int) -> Any:
        """The waiting caller moves ahead of every caller of a lower priority at once (Asterisk ≥ 15)."""
        return await self.action("QueueChangePriorityCaller", as_list=False, Queue=queue, Caller=channel,
                                 Priority=str(priority), Immediate="yes")

    async def queue_remove(self, queue: str, endpoint: str) -> Any:
        return await self.action("QueueRemove", as_list=False, Queue=queue, Interface=f"PJSIP/{endpoint}")

    async def queue_pause(self, endpoint: str, paused: bool, reason: str = "", queue: str = "") -> Any:
        fields = {"Interface": f"PJSIP/{endpoint}", "Paused": "true" if paused else "false"}
        if queue:
            fields["Queue"] = queue
        if reason:
            fields["Reason"] = reason
        return await self.action("QueuePause", as_list=False, **fields)

    async def queue_members(self, queue: str) -> list[dict]:
        return (await self.snapshot()).members.get(queue, [])

    async def reload_endpoints(self) -> Any:
        """Asterisk reads the regenerated per-tenant pjsip include (asterisk/README.md)."""
        return await self.action("Command", as_list=False, Command="module reload res_pjsip.so")

    async def reload_queues(self) -> Any:
        """Asterisk reads the regenerated queues includes; dynamic members stay."""
        return await self.action("Command", as_list=False, Command="queue reload all")

    async def reload_dialplan(self) -> Any:
        """Asterisk reads the regenerated extensions includes (a tenant's contexts, DIDs, IVR menus)."""
        return await self.action("Command", as_list=False, Command="dialplan reload")
