"""The PBX core: the shared state every module works on (channels, endpoints, queues, globals)."""
from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

from .channels import Channel, DOWN, Naming
from .clock import RealClock, VirtualClock
from .endpoints import DeviceStates, Endpoint, Endpoints
from .events import EventBus
from .queues import Queues
from .recording import Recorder
from .tenants import Tenant, lab_tenant

CARRIER = "carrier"


class Pbx:
    def __init__(self, *, tenants: list[Tenant] | None = None, clock: RealClock | VirtualClock | None = None,
                 recordings: Path | str = "recordings", seed: int = 0,
                 config_dir: Path | str | None = None) -> None:
        self.clock = clock or RealClock()
        self.bus = EventBus()
        self.naming = Naming(self.clock, seed)
        self.tenants = tenants or [lab_tenant()]
        self.channels: dict[str, Channel] = {}
        self.endpoints = Endpoints(self)
        self.devices = DeviceStates(self)
        self.queues = Queues(self)
        self.recorder = Recorder(self, Path(recordings))
        self.globals: dict[str, str] = {"BUSINESS_HOURS": "00:00-23:59", "BUSINESS_DAYS": "mon-sun"}
        self.started_at = self.clock.time()
        self._tasks: set[asyncio.Task] = set()
        self.config_dir = Path(config_dir) if config_dir else None
        self._from_config: set[str] = set()
        self._dids_from_config: set[str] = set()
        self.dialplan_dids: dict[str, tuple[str, str]] = {}
        self.dialplan: dict = {}          # the includes' own lines (dialplan_lines.py): DIDs, IVR menus
        self._queues_from_config: set[str] = set()
        # tenants whose contexts Asterisk has: those provisioned here, and those whose include the last
        # `dialplan reload` read (a tenant's endpoints alone, after a res_pjsip reload, give it none)
        self._provisioned = {t.slug for t in self.tenants}
        self._with_flows: set[str] = set(self._provisioned)
        self._provision()
        self.reload_pjsip()
        self.reload_queues()
        self.reload_dialplan()

    # ---- set-up ------------------------------------------------------------------------------
    def _provision(self) -> None:
        self.endpoints.add(Endpoint(CARRIER, "from-carrier", "Carrier", contact="sip:127.0.0.1:5070", is_trunk=True))
        for tenant in self.tenants:
            for ext, name in {**tenant.agents, **tenant.supervisors}.items():
                endpoint = tenant.endpoint(ext)
                contact = f"sip:{endpoint}@127.0.0.1:5{ext[-3:]}" if ext in tenant.registered else None
                self.endpoints.add(Endpoint(endpoint, tenant.context("agents"), name, tenant.sip_password,
                                            contact=contact))
            for queue, members in tenant.queues.items():
                self.queues.create(tenant.queue(queue), [(f"PJSIP/{tenant.endpoint(m)}", tenant.agents[m])
                                                         for m in members], login_time=int(self.started_at))
        self.devices.prime()

    def reload_pjsip(self) -> None:
        """Endpoints of the generated includes: new ones appear, removed ones go."""
        if self.config_dir is None:
            return
        from .pjsip_files import read_endpoints

        wanted = read_endpoints(self.config_dir)
        for name in self._from_config - wanted.keys():
            self.endpoints.by_name.pop(name, None)
        for name, cfg in wanted.items():
            if cfg.context.startswith("t-") and cfg.context.endswith("-agents"):
                self.tenant_named(cfg.context[2:-len("-agents")])   # its flows run for its agents' calls
            known = self.endpoints.get(name)
            if known is None:
                self.endpoints.add(Endpoint(name, cfg.context, cfg.display_name, cfg.password, busy_at=cfg.busy_at,
                                            transport=cfg.transport, contact=cfg.contact, is_trunk=cfg.trunk))
                self.devices.refresh(f"PJSIP/{name}")
            else:
                known.password = cfg.password or known.password
                known.busy_at, known.transport = cfg.busy_at, cfg.transport
        self._from_config = set(wanted)

    def reload_dialplan(self) -> None:
        """DIDs of the generated includes: a tenant's new numbers are delivered to it, removed ones
        are no longer (tenants known only from the includes are added by slug, as in reload_pjsip)."""
        if self.config_dir is None:
            return
        from .dialplan_lines import read_dialplan
        from .pjsip_files import read_dids

        self.dialplan = read_dialplan(self.config_dir)
        self._with_flows = self._provisioned | {p.stem for p in (self.config_dir / "extensions.d").glob("*.conf")}
        wanted = read_dids(self.config_dir)
        for did in self._dids_from_config - wanted.keys():
            for tenant in self.tenants:
                tenant.dids.pop(did, None)
        for did, (slug, _) in wanted.items():
            self.tenant_named(slug).dids.setdefault(did, 60)
        self._dids_from_config = set(wanted)
        self.dialplan_dids = wanted

    def reload_queues(self) -> None:
        """Queues of the generated includes (`queue reload all`)."""
        if self.config_dir is None:
            return
        from .pjsip_files import read_queues

        wanted = read_queues(self.config_dir)
        self.queues.configure(wanted, self._queues_from_config)
        self._queues_from_config = set(wanted)

    def tenant_named(self, slug: str) -> Tenant:
        """The tenant of that slug; one known only from the includes is added."""
        tenant = next((t for t in self.tenants if t.slug == slug), None)
        if tenant is None:
            tenant = Tenant(slug=slug)
            self.tenants.append(tenant)
        return tenant

    # ---- lookup ------------------------------------------------------------------------------
    def tenant_of_context(self, context: str) -> tuple[Tenant, str] | None:
        """The tenant and flow of one of its contexts, once the dialplan has them."""
        for tenant in sorted(self.tenants, key=lambda t: -len(t.slug)):
            flow = tenant.flow_of(context) if tenant.slug in self._with_flows else None
            if flow:
                return tenant, flow
        return None

    def tenant_of_did(self, did: str) -> Tenant | None:
        return next((t for t in self.tenants if did in t.dids), None)

    def tenant_of_endpoint(self, endpoint: str) -> Tenant:
        return next((t for t in self.tenants if t.slug and endpoint.startswith(f"{t.slug}-")), self.tenants[0])

    def find(self, name: str) -> Channel | None:
        """By name or by Uniqueid, as Asterisk's channel lookup does for Hangup, Redirect, Getvar..."""
        found = self.channels.get(name)
        return found or next((c for c in self.channels.values() if c.uniqueid == name), None)

    def channels_of(self, endpoint: str) -> list[Channel]:
        return [c for c in self.channels.values() if c.device == f"PJSIP/{endpoint}"]

    # ---- channels ----------------------------------------------------------------------------
    def new_channel(self, name: str, device: str, *, context: str, caller: tuple[str, str],
                    linkedid: str | None = None, exten: str = "s", state: int = DOWN) -> Channel:
        uniqueid = self.naming.uniqueid()
        channel = Channel(self, name, device, uniqueid, linkedid or uniqueid, caller, context, exten, state=state)
        self.channels[name] = channel
        return channel

    def new_pjsip(self, endpoint: Endpoint, *, linkedid: str | None = None, state: int = DOWN) -> Channel:
        caller = ("<unknown>", "<unknown>") if endpoint.is_trunk else (endpoint.name.split("-")[-1],
                                                                      endpoint.display_name)
        return self.new_channel(self.naming.pjsip(endpoint.name), endpoint.device, context=endpoint.context,
                                caller=caller, linkedid=linkedid, state=state)

    def forget(self, channel: Channel) -> None:
        self.channels.pop(channel.name, None)
        self.recorder.finish(channel)
        self.devices.refresh(channel.device)

    def spawn(self, coroutine) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def shutdown(self) -> None:
        """Asterisk stops: every call is gone, nothing is announced (no client is left to hear it)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for channel in list(self.channels.values()):
            channel.gone = True
            self.recorder.finish(channel)
        self.channels.clear()
        self.queues.drop_callers()
        self.devices.states.clear()
        self.devices.prime()
        self.started_at = self.clock.time()

    # ---- misc --------------------------------------------------------------------------------
    def uptime(self) -> int:
        return int(self.clock.time() - self.started_at)

    def event_tv(self) -> str:
        moment = datetime.datetime.fromtimestamp(self.clock.time(), datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
