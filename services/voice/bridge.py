"""The pbx bridge process: AMI events -> agent states and live pushes; Redis commands -> AMI actions.

    python -m services.voice.bridge

One per PBX. It holds the gateway's connection (reconnecting with back-off), rebuilds agent states from
the gateway's resync after any (re)connection, and executes the commands of `services.voice.commands`
(read through a consumer group, so a command sent while it is down is run when it is back).
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import signal
import time
from pathlib import Path

import redis.asyncio as aioredis

from services.infra.redis import get_redis
from services.live import publish, user_topic
from services.settings import get_settings
from services.voice import commands
from services.voice.agent_states import state_for_device, state_for_pause
from services.voice.call_outcomes import ANSWERED, AGENT_UNREACHABLE, AWAY, CallTracker
from services.voice.coaching import SPY_KEY, end_spy_channel, spy_owner, unwanted_spy_channel
from services.voice.dialer import Dialer
from services.voice.directory import endpoint_owners
from services.voice.inbound import InboundTracker
from services.voice.gateway import (
    ChannelCreated, ChannelHungUp, DeviceChanged, MemberPaused, PbxConfig, PbxError, PbxGateway, Resynced,
    SpyStarted, SpyStopped, endpoint_of, pbx_config)
from services.voice.presence import AgentState, StateChange, agent_states, set_agent_state, set_agent_states
from services.voice.sip import sales_queue, split_endpoint

log = logging.getLogger("pbx-bridge")
READY_KEY = "bgc:pbx-bridge:ready:{port}"
_ON_A_CALL = {AgentState.RINGING, AgentState.IN_CALL, AgentState.WRAP_UP}


def bridge_ready(port: int | None = None) -> bool:
    """The stack's readiness check: a bridge is logged in to the PBX on `port` and heartbeating."""
    return bool(get_redis().exists(READY_KEY.format(port=port or get_settings().pbx_port)))


class Bridge:
    def __init__(self, config: PbxConfig, consumer: str = "bridge-1") -> None:
        self.gateway = PbxGateway(config, self.on_event)
        self.consumer = consumer
        self.stream = commands.stream()
        self.owners: dict[str, tuple[int, int]] = {}
        self.states: dict[str, AgentState] = {}      # endpoint -> last state published
        self.paused: dict[str, str] = {}             # endpoint -> pause reason
        self.channels: dict[str, set[str]] = {}      # endpoint -> its phone's channels now
        self._owners_loaded = 0.0
        self._stop = asyncio.Event()
        self._done = asyncio.Event()
        self.applied = 0                             # events turned into a state (bench)
        self._joining: asyncio.Future | None = None
        self._seating = asyncio.Lock()               # queue membership changes, one at a time
        self._configuring = asyncio.Lock()           # the includes' rewrites, one at a time
        self.calls = CallTracker(self._call_over, owner=self.owner)   # the dialer's calls: outcomes, screen pop
        self.dialer = Dialer(self.gateway, self.calls)
        self.gateway.on_raw(self.calls.on_ami)
        self.inbound = InboundTracker(self.owner, self._call_known,    # calls from the carrier through the queues
                                      dialled=self.calls.owns, prioritize=self.gateway.prioritize_caller)
        self.gateway.on_raw(self.inbound.on_ami)
        self.auto_ready: set[str] = set()            # an unanswered call ends: no post-call work
        self._resync_writes: list[StateChange] | None = None    # gathered during a resync

    # ---- who owns an endpoint -------------------------------------------------------------------
    def reload_owners(self) -> None:
        self.owners = endpoint_owners()
        self._owners_loaded = time.monotonic()
        known: dict[int, dict] = {}
        for endpoint, (tenant_id, user_id) in self.owners.items():
            if tenant_id not in known:
                known[tenant_id] = agent_states(tenant_id)
            raw = known[tenant_id].get(user_id)
            if raw and endpoint not in self.states:
                self.states[endpoint] = AgentState(raw["state"])

    def owner(self, endpoint: str) -> tuple[int, int] | None:
        found = self.owners.get(endpoint)
        if found is None and time.monotonic() - self._owners_loaded > 2:
            self.reload_owners()
            found = self.owners.get(endpoint)
        return found

    # ---- events ------------------------------------------------------------------------------------
    def on_event(self, event) -> None:
        if isinstance(event, (ChannelCreated, ChannelHungUp)):
            self._follow_channel(event)
        if isinstance(event, DeviceChanged):
            previous = self.states.get(event.endpoint, AgentState.LOGGED_OUT)
            self._set(event.endpoint, state_for_device(event.state, previous, event.endpoint in self.paused))
        elif isinstance(event, MemberPaused):
            if event.paused:
                self.paused[event.endpoint] = event.reason
            else:
                self.paused.pop(event.endpoint, None)
            current = self.states.get(event.endpoint, AgentState.LOGGED_OUT)
            self._set(event.endpoint, state_for_pause(current, event.paused))
        elif isinstance(event, (SpyStarted, SpyStopped)):
            self._spy(event)
        elif isinstance(event, ChannelCreated) and unwanted_spy_channel(event.uniqueid):
            asyncio.ensure_future(self._hangup_quietly(event.uniqueid))
        elif isinstance(event, ChannelHungUp) and (ended := end_spy_channel(event.uniqueid)):
            publish(user_topic(*ended), "spy", supervisor_user_id=ended[1], active=False)
        elif isinstance(event, Resynced):
            self._resynced(event)

    def _follow_channel(self, event: ChannelCreated | ChannelHungUp) -> None:
        """The channels of each agent's phone, for the panel's call control of a desk phone."""
        endpoint = endpoint_of(event.channel)
        if isinstance(event, ChannelCreated) and endpoint in self.owners:
            self.channels.setdefault(endpoint, set()).add(event.channel)
        elif isinstance(event, ChannelHungUp) and endpoint in self.channels:
            self.channels[endpoint].discard(event.channel)
            if not self.channels[endpoint]:
                del self.channels[endpoint]

    def _set(self, endpoint: str, state: AgentState) -> None:
        owner = self.owner(endpoint)
        if state == AgentState.WRAP_UP and endpoint in self.auto_ready:
            self.auto_ready.discard(endpoint)
            state = AgentState.READY
        if owner is None or self.states.get(endpoint) == state:
            return
        self.states[endpoint] = state
        reason = self.paused.get(endpoint, "") if state == AgentState.PAUSED else ""
        call = (self.calls.call_of(endpoint) or self.inbound.call_of(endpoint)) if state in _ON_A_CALL else None
        change = StateChange(owner[0], owner[1], state, reason, call.campaign_name if call else "",
                             call.phone if call else "")
        if self._resync_writes is not None:
            self._resync_writes.append(change)
        else:
            set_agent_states([change])
        self.applied += 1
        self.dialer.agent_state(endpoint, owner, state == AgentState.READY)

    def _call_known(self, endpoint: str) -> None:
        """An inbound call's campaign and caller are known (after the device said RINGING or IN_CALL):
        the supervisor's card shows them."""
        state, owner = self.states.get(endpoint), self.owner(endpoint)
        call = self.inbound.call_of(endpoint)
        if owner and call and state in _ON_A_CALL:
            set_agent_state(owner[0], owner[1], state, campaign=call.campaign_name, caller=call.phone)

    def _call_over(self, endpoint: str, outcome: str) -> None:
        """A dialled call ended: answered -> post-call work (the device says it); an agent whose phone did
        not answer is paused (no more calls until they say « Prêt »); otherwise the agent is ready for the
        next contact at once."""
        if outcome == ANSWERED:
            return
        if outcome == AGENT_UNREACHABLE:
            asyncio.ensure_future(self._availability(endpoint, True, AWAY))
            return
        current = self.states.get(endpoint)
        if current == AgentState.WRAP_UP:
            self._set(endpoint, AgentState.READY)
        elif current == AgentState.READY and (owner := self.owner(endpoint)):
            self.dialer.agent_state(endpoint, owner, True)
        elif current in (AgentState.RINGING, AgentState.IN_CALL):
            self.auto_ready.add(endpoint)

    def _resynced(self, event: Resynced) -> None:
        self.reload_owners()
        self.paused = {m["endpoint"]: m["reason"] for members in event.members.values() for m in members
                       if m["paused"]}
        self._resync_writes = []        # every phone's state in one write, before the dialer acts on them
        try:
            for endpoint, device in event.endpoints.items():
                if endpoint in self.owners:
                    previous = self.states.get(endpoint, AgentState.LOGGED_OUT)
                    self._set(endpoint, state_for_device(device, previous, endpoint in self.paused))
        finally:
            writes, self._resync_writes = self._resync_writes, None
            set_agent_states(writes)
        log.info("resynced %d endpoints, %d queues", len(event.endpoints), len(event.members))
        self._joining = asyncio.ensure_future(self._join_every_tenants_queues(event))

    def _spy(self, event: SpyStarted | SpyStopped) -> None:
        """ChanSpy runs on a Local ;2 whose Linkedid is the supervisor's coaching leg (start_coaching's
        ChannelId); a spy started by other means is found by its spyer's endpoint."""
        coached = spy_owner(event.spyer_linkedid)
        owner = coached or self.owner(endpoint_of(event.spyer_channel))
        if owner is None:
            return
        tenant_id, supervisor = owner
        r = get_redis()
        raw = r.hget(SPY_KEY.format(tenant_id=tenant_id), str(supervisor))
        if coached and (not raw or json.loads(raw).get("channel_id") != event.spyer_linkedid):
            return       # a stopped (or replaced) coaching whose ChanSpy ends late: not the live session
        session = json.loads(raw) if raw else {"mode": "listen"}
        agent = self.owner(endpoint_of(event.spyee_channel))
        session.update(channel=event.spyer_channel, agent_user_id=agent[1] if agent else None,
                       active=isinstance(event, SpyStarted))
        if session["active"]:
            r.hset(SPY_KEY.format(tenant_id=tenant_id), str(supervisor), json.dumps(session))
        else:
            r.hdel(SPY_KEY.format(tenant_id=tenant_id), str(supervisor))
        publish(user_topic(tenant_id, supervisor), "spy", supervisor_user_id=supervisor, **session)

    async def _transfer(self, endpoint: str, context: str, exten: str) -> None:
        """The customer bridged to the agent's phone goes to `exten` (a colleague, the general queue)."""
        for channel in sorted(self.channels.get(endpoint, ())):
            try:
                await self.gateway.action("BlindTransfer", as_list=False, Channel=channel, Context=context,
                                          Exten=exten)
                return
            except PbxError as error:          # a channel of the phone that is in no call (« Transfer invalid »)
                log.info("transfer from %s: %s", channel, error)
        raise PbxError("Aucun appel à transférer.")

    async def _hangup_quietly(self, channel: str) -> None:
        try:
            await self.gateway.hangup(channel)
        except PbxError as error:              # it went by itself meanwhile
            log.info("hangup %s: %s", channel, error)

    # ---- commands ----------------------------------------------------------------------------------
    async def execute(self, kind: str, args: dict) -> dict:
        gw = self.gateway
        if kind == "originate":
            await gw.originate(args["channel"], args["context"], args["exten"], caller_id=args.get("caller_id", ""),
                               variables=args.get("variables"), channel_id=args.get("channel_id"))
        elif kind == "hangup":
            await gw.hangup(args["channel"])
        elif kind == "queue_add":
            async with self._seating:
                await self._queue_add(args["queue"], args["endpoint"], args.get("member_name", ""),
                                      int(args.get("penalty", 0)))
        elif kind == "queue_remove":
            async with self._seating:
                await gw.queue_remove(args["queue"], args["endpoint"])
        elif kind == "queue_pause":
            await gw.queue_pause(args["endpoint"], bool(args["paused"]), args.get("reason", ""),
                                 args.get("queue", ""))
        elif kind == "queue_members":
            return {"members": (await gw.snapshot()).members}
        elif kind == "endpoints_changed":
            self.reload_owners()
            await self._apply_config(args.get("tenant_slug"))
            await self._join_queues(args.get("tenant_slug"))
        elif kind in ("lines_changed", "queues_changed"):   # DIDs, trunk, IVR menus (ivr) or campaigns' queues
            if kind == "lines_changed":
                await self._apply_config(args.get("tenant_slug"))
            else:                                           # no endpoint changed: queues and dialplan only
                await self._rewrite_config(args.get("tenant_slug"))
                await gw.reload_queues()
                await gw.reload_dialplan()
            await self._join_queues(args.get("tenant_slug"))   # a queue reload drops stale static members
        elif kind in ("agent_pause", "agent_ready"):
            await self._availability(args["endpoint"], kind == "agent_pause", args.get("reason", ""))
        elif kind == "preview_call":           # « Appeler », checked by services/voice/preview.py
            try:
                await self.dialer.place(int(args["tenant_id"]), int(args["interaction_id"]))
            except LookupError as error:
                raise PbxError(str(error)) from error
        elif kind == "preview_withdrawn":
            self.dialer.withdrawn(int(args["tenant_id"]), int(args["interaction_id"]))
        elif kind == "agent_hangup":          # services/voice/call_control.py: a desk phone's call
            for channel in sorted(self.channels.get(args["endpoint"], ())):
                await self._hangup_quietly(channel)
        elif kind == "agent_transfer":
            await self._transfer(args["endpoint"], args["context"], args["exten"])
        elif kind == "disable_endpoint":
            await self._disable(args["endpoint"], args.get("tenant_slug"))
        else:
            raise PbxError(f"unknown command {kind}")
        return {}

    async def _availability(self, endpoint: str, pause: bool, reason: str) -> None:
        """The agent's own break / "ready": paused in every queue (if in any), and the state follows."""
        try:
            await self.gateway.queue_pause(endpoint, pause, reason)
        except PbxError:            # in no queue yet: the state alone says it
            pass
        current = self.states.get(endpoint, AgentState.LOGGED_OUT)
        if pause:
            self.paused[endpoint] = reason
            if current in (AgentState.READY, AgentState.WRAP_UP):
                self._set(endpoint, AgentState.PAUSED)
        else:
            self.paused.pop(endpoint, None)
            if current in (AgentState.PAUSED, AgentState.WRAP_UP):
                self._set(endpoint, AgentState.READY)

    async def _rewrite_config(self, tenant_slug: str | None) -> list[Path]:
        """On the Asterisk host (BGC_ASTERISK_CONFIG_DIR set), regenerate the tenant's includes first;
        the files that changed."""
        out = os.environ.get("BGC_ASTERISK_CONFIG_DIR")
        if not (out and tenant_slug):
            return []
        from services.voice.asterisk_config import write_all
        async with self._configuring:     # one writer at a time: the last one read the newest state
            return await asyncio.to_thread(write_all, Path(out), tenant_slug)

    async def _apply_config(self, tenant_slug: str | None, if_changed: bool = False) -> bool:
        """The tenant's includes rewritten, then Asterisk reads them: endpoints first, then queues, then the
        dialplan (a new tenant's first enrolment writes its contexts: until that reload, Asterisk refuses
        every call of its phones and every Originate into them, « Extension does not exist. »).
        `if_changed`: no reload when the includes were already right. Whether Asterisk reloaded."""
        if not await self._rewrite_config(tenant_slug) and if_changed:
            return False
        await self.gateway.reload_endpoints()
        await self.gateway.reload_queues()
        await self.gateway.reload_dialplan()
        return True

    async def _join_queues(self, tenant_slug: str | None, members: dict[str, list[dict]] | None = None) -> None:
        """`_seat`, after any membership change in progress (what is wanted is read once it is done, so
        an agent another command has just taken out of a queue is not put back)."""
        async with self._seating:
            await self._seat(tenant_slug, members)

    async def _seat(self, tenant_slug: str | None, members: dict[str, list[dict]] | None = None,
                    only: str | None = None) -> None:
        """The tenant's queues get the members and penalties services/voice/queue_members.py wants: the
        missing ones join (QueueAdd), a changed penalty is set (QueuePenalty); `members`: the queues'
        members when the caller has them already; `only`: that queue alone."""
        if not tenant_slug:
            return
        from services.voice.queue_members import wanted_members
        tenant_id = self._tenant_id(tenant_slug)
        if tenant_id is None:
            return
        if members is None:
            members = (await self.gateway.snapshot()).members
        for queue, seats in (await asyncio.to_thread(wanted_members, tenant_id, tenant_slug)).items():
            if only and queue != only:
                continue
            present = {m["endpoint"]: m.get("penalty", 0) for m in members.get(queue, [])}
            for endpoint, seat in seats.items():
                if endpoint not in self.owners:          # not one disabled meanwhile
                    continue
                try:
                    if endpoint not in present:      # an agent on a break joins paused, with its reason
                        await self.gateway.queue_add(queue, endpoint, seat.name, seat.penalty,
                                                     endpoint in self.paused, self.paused.get(endpoint, ""))
                    elif present[endpoint] != seat.penalty:
                        await self.gateway.queue_penalty(queue, endpoint, seat.penalty)
                except PbxError as error:
                    if "No such queue" in str(error):    # a campaign queue Asterisk has not read yet
                        log.info("queue %s: %s", queue, error)
                        break
                    if "Already there" not in str(error):    # joined meanwhile by another path
                        raise

    async def _join_every_tenants_queues(self, snapshot: Resynced) -> None:
        """After a (re)login: Asterisk may have lost dynamic members (no astdb, a new machine), and its
        includes may lag the database (a campaign launched before this bridge first started: its command
        was sent before the bridge's consumer group existed). Only the tenants this PBX serves (it knows
        some of their endpoints): the database holds every PBX's."""
        served = {split_endpoint(endpoint)[0] for endpoint in snapshot.endpoints if endpoint in self.owners}
        for slug in sorted(served):
            try:
                reloaded = await self._apply_config(slug, if_changed=True)
                await self._join_queues(slug, None if reloaded else snapshot.members)
            except PbxError as error:
                log.warning("queues of %s: %s", slug, error)

    def _tenant_id(self, tenant_slug: str) -> int | None:
        return next((tenant for endpoint, (tenant, _) in self.owners.items()
                     if split_endpoint(endpoint)[0] == tenant_slug), None)

    async def _queue_add(self, queue: str, endpoint: str, member_name: str = "", penalty: int = 0) -> None:
        """QueueAdd; a campaign queue Asterisk does not know yet is generated and loaded, then joined."""
        try:
            await self.gateway.queue_add(queue, endpoint, member_name, penalty)
        except PbxError as error:
            if "No such queue" not in str(error) or "-campaign-" not in queue:
                raise
            slug = queue.rpartition("-campaign-")[0]
            await self._rewrite_config(slug)
            await self.gateway.reload_queues()
            await self._seat(slug, only=sales_queue(slug))   # a reload drops static members the include no longer has
            await self.gateway.queue_add(queue, endpoint, member_name, penalty)

    async def _disable(self, endpoint: str, tenant_slug: str | None = None) -> None:
        """UC-RH-02 on the PBX. The endpoint leaves the configuration and Asterisk reloads it FIRST, so its
        SIP credentials are dead whatever happens next; then it leaves every queue it is in (a queue that
        refuses, e.g. « Member not dynamic », is logged and the others still run)."""
        self.owners.pop(endpoint, None)
        self.states.pop(endpoint, None)
        await self._rewrite_config(tenant_slug)
        await self.gateway.reload_endpoints()
        refused = []
        for queue, members in (await self.gateway.snapshot()).members.items():
            if endpoint in [m["endpoint"] for m in members]:
                try:
                    await self.gateway.queue_remove(queue, endpoint)
                except PbxError as error:
                    refused.append(f"{queue}: {error}")
        if refused:
            raise PbxError(f"{endpoint} is disabled but stays listed in " + "; ".join(refused))

    async def _run_one(self, r: aioredis.Redis, entry_id: str, fields: dict) -> None:
        try:
            data = await self.execute(fields["kind"], json.loads(fields.get("args") or "{}"))
            commands.answer(fields["id"], True, data)
        except (PbxError, KeyError, ValueError) as error:
            log.warning("command %s failed: %s", fields.get("kind"), error)
            commands.answer(fields["id"], False, error=str(error))
        finally:
            await r.xack(self.stream, commands.GROUP, entry_id)

    async def _command_group(self, r: aioredis.Redis) -> None:
        try:
            await r.xgroup_create(self.stream, commands.GROUP, id="$", mkstream=True)
        except aioredis.ResponseError:
            pass   # the group exists

    async def consume_commands(self, r: aioredis.Redis) -> None:
        pending = "0"                                       # first what this consumer left unacknowledged
        while not self._stop.is_set():
            got = await r.xreadgroup(commands.GROUP, self.consumer, {self.stream: pending}, count=50,
                                     block=1000)
            entries = got[0][1] if got else []
            if pending == "0" and not entries:
                pending = ">"
            for entry_id, fields in entries:
                asyncio.ensure_future(self._run_one(r, entry_id, fields))
        await r.aclose()

    async def heartbeat(self) -> None:
        while not self._stop.is_set():
            if self.gateway.ready.is_set():
                get_redis().set(READY_KEY.format(port=self.gateway.config.port), os.getpid(), ex=5)
            try:
                await asyncio.wait_for(self._stop.wait(), 2)
            except asyncio.TimeoutError:
                pass

    async def run(self) -> None:
        self.reload_owners()
        r = aioredis.Redis.from_url(get_settings().redis_url, decode_responses=True)
        await self._command_group(r)      # before "ready": no command sent after it can be missed
        await self.gateway.start(wait=None)
        tasks = [asyncio.ensure_future(self.consume_commands(r)), asyncio.ensure_future(self.heartbeat()),
                 asyncio.ensure_future(self.dialer.run()), asyncio.ensure_future(self.calls.run()),
                 asyncio.ensure_future(self.inbound.run())]
        await self._stop.wait()
        self.dialer.stop()
        tasks[-1].cancel()
        tasks[-2].cancel()
        self.gateway.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        get_redis().delete(READY_KEY.format(port=self.gateway.config.port))
        self._done.set()

    def stop(self) -> None:
        self._stop.set()

    async def shutdown(self) -> None:
        self.stop()
        await self._done.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.voice.bridge", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=None, help="AMI port (default: BGC_PBX_PORT)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    async def serve() -> None:
        config = pbx_config()
        bridge = Bridge(dataclasses.replace(config, port=args.port or config.port))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, bridge.stop)
        await bridge.run()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
