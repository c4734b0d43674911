"""Agent panels at contact-centre scale (issue 15): N real agent sessions on /bandeau, each
agent's state changed once a second, latency from the change to the delta in that agent's socket.

Starts the whole product on a fresh data folder (as `make run` does, BGC_WEB_WORKERS web workers),
creates the agents of one tenant with the product's functions, staffs them on one LIVE campaign,
signs each in (a session opened by services/identity, the cookie sent as a browser sends it) and
opens one websocket per agent speaking Reflex's protocol (tests/support/reflex_socket.py), spread
over --clients processes so that the load client is not what lags. Each
step changes every open agent's state once a second through `set_agent_states` (what
`set_agent_state`, called by the PBX bridge and the agent's buttons, does for one agent), in
separate processes, then prints

    N agents: p50 X ms, p95 Y ms, p99 Z ms, delivered D %

and, since an agent's call starts with its screen pop (the contact card, script, form and codes the
pbx bridge publishes when the agent's phone rings, issue 13), a pop is published to each agent just
before every « En appel »: its latency to the agent's socket on a second line.

In the last step a campaign version is saved half-way: the time until every open panel shows it.

    .venv/bin/python bench/agent_panel_load.py [--agents 200,500,1000,2000] [--seconds 15] [--workers 2]
                                                [--worker-cpu 0.5]

With --worker-cpu each web worker gets that share of a core and no more (see cap_web_workers): on a
machine whose cores the load client shares, it shows how capacity grows with the workers.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack_startup import _free_port  # noqa: E402

CYCLE = [("READY", {}), ("PAUSED", {"reason": "Pause café"}), ("READY", {}),
         ("IN_CALL", {"campaign": "Relance bench", "caller": "+237 6 71 23 45 67"}), ("WRAP_UP", {})]
CHANGERS = 2          # processes calling set_agent_states
# The changes due in each 10 ms leave together, in one transaction (set_agent_states, as the bridge
# writes a resync): the web workers get the same stream entries, and the load costs the machine a
# quarter of what one round trip per change does, so that it measures the web workers, not itself.
SLICE = 0.01


# ---- the product around the bench ---------------------------------------------------------------
def start_product(workers: int):
    data_dir = Path(tempfile.mkdtemp(prefix="bgc-bench-"))
    os.environ.update(BGC_DATA_DIR=str(data_dir), BGC_WEB_PORT=str(_free_port()),
                      BGC_SANDBOX_PORT=str(_free_port()), BGC_PBX_PORT=str(_free_port()),
                      BGC_WEB_WORKERS=str(workers))
    from services.settings import get_settings
    from services.stack import run
    from services.stack.environment import stack_environment
    from services.stack.processes import Ports, Stack

    run.ensure_secret_key()
    servers = run.prepare_databases()
    s = get_settings()
    stack = Stack(stack_environment(s.data_dir, s.database_url, s.redis_url),
                  Ports(web=s.web_port, sandbox=s.sandbox_port, pbx=s.pbx_port), s.data_dir / "logs")
    stack.start()

    def stop():
        stack.stop()
        if servers:
            servers.stop()
        if not os.environ.get("BENCH_KEEP_DATA"):
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"logs kept in {data_dir / 'logs'}")
    return f"http://127.0.0.1:{s.web_port}", stack, stop


CGROUP_V2, CGROUP_V1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/cpu")
PERIOD_US = 20_000    # a short period: a capped worker waits at most a few ms, not tens


def cap_web_workers(stack, share: float):
    """Each web worker gets `share` of a core and no more (a CFS quota in a cgroup of its own), as
    if it ran on a slower core of its own: the rest of the machine is left to the load client, so
    that what is measured is how the workers' capacity grows with them. Needs root and the cgroup
    `cpu` controller (v2, or v1 as in many containers). Returns the undo."""
    import psutil

    v2 = "cpu" in (CGROUP_V2 / "cgroup.controllers").read_text().split() \
        if (CGROUP_V2 / "cgroup.controllers").exists() else False
    root = CGROUP_V2 if v2 else CGROUP_V1
    if not (root / "cgroup.procs").exists() or not os.access(root, os.W_OK):
        sys.exit(f"--worker-cpu needs a writable cgroup cpu controller ({CGROUP_V2} or {CGROUP_V1}) and root")
    workers = [p for p in psutil.Process(stack.processes["web"].pid).children(recursive=True)
               if "bgotocall.launch" in " ".join(p.cmdline())]
    groups = []
    for worker in workers:
        group = root / f"bgc-bench-web-{worker.pid}"
        group.mkdir(exist_ok=True)
        quota = int(share * PERIOD_US)
        if v2:
            (group / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(quota))
        (group / "cgroup.procs").write_text(str(worker.pid))
        groups.append(group)
    print(f"each of the {len(workers)} web worker(s) capped at {share:g} of a core", flush=True)

    def undo():
        for group in groups:
            for pid in (group / "cgroup.procs").read_text().split():
                (root / "cgroup.procs").write_text(pid)
            group.rmdir()
    return undo


def create_floor(agents: int):
    """One tenant, `agents` agent accounts and one LIVE campaign they all work on."""
    from services.campaigns.lifecycle import create_campaign, launch_campaign
    from services.models.platform import Role
    from services.platform import users
    from services.platform.users import create_user
    from tests.support.accounts import context_for, new_tenant
    from tests.support.campaigns import fund, launchable_config, ready_list

    # Every bench account has the same password: hash it once (argon2 costs 50-500 ms a call,
    # 2,000 of them would be the bench's longest part). The rows are made by create_user.
    users.hash_password = functools.lru_cache(maxsize=1)(users.hash_password)
    tenant = new_tenant()
    supervisor = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id, 10_000_000)
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda n: create_user(f"agent{n:05d}-{tenant.slug}@bench.example.cm",
                                                  "Bench-password-1", f"Agent {n:05d}", Role.AGENT,
                                                  tenant.id).id, range(agents)))
    config = {**launchable_config(ready_list(supervisor), ids[0], "Relance bench"), "agents": ids,
              "bands": {str(day): "00:00-23:59" for day in range(7)}}
    campaign = create_campaign(supervisor, config)
    launch_campaign(supervisor, campaign.id)
    return tenant.id, ids, supervisor, campaign.id, dialled_pop(tenant.id, campaign.id, ids[0])


def dialled_pop(tenant_id: int, campaign_id: int, agent_id: int) -> dict:
    """The screen pop of a call the dialer claimed for the campaign, as the pbx bridge publishes it."""
    from services.db.tenancy import tenant_session
    from services.identity.system import system_context
    from services.models.campaigns import Campaign
    from services.models.columns import utcnow
    from services.voice.dialer import claim_payable
    from services.voice.screen_pop import screen_pop

    ctx = system_context(tenant_id)
    with tenant_session(ctx) as session:
        campaign = session.get(Campaign, campaign_id)
    interaction_id, _, _ = claim_payable(ctx, campaign, agent_id, utcnow())
    return {"phase": "ringing", **screen_pop(tenant_id, interaction_id)}


def log_in(user_ids: list[int]) -> list[str]:
    """The product's login after the password check: a server-side session per agent."""
    from services.identity.sessions import open_session
    return [open_session(uid, "127.0.0.1") for uid in user_ids]


# ---- the agents' states, changed once a second each ------------------------------------------------
def change_states(tenant_id: int, user_ids: list[int], seconds: float, start_at: float, out,
                  pop: dict) -> None:
    from services.infra.redis import get_redis
    from services.live import user_topic
    from services.live.events import publish_on
    from services.voice.presence import AgentState, StateChange, set_agent_states

    count, n = 0, len(user_ids)
    slices = round(1 / SLICE)
    groups = [user_ids[k * n // slices:(k + 1) * n // slices] for k in range(slices)]
    while time.time() < start_at:
        time.sleep(0.001)
    for second in range(int(seconds)):
        state, extra = CYCLE[second % len(CYCLE)]
        for k, group in enumerate(groups):
            delay = start_at + second + k * SLICE - time.time()
            if delay > 0:
                time.sleep(delay)
            if not group:
                continue
            if state == "IN_CALL":   # the pops first, as the bridge does; their id says when they left
                with get_redis().pipeline(transaction=False) as pipe:
                    for uid in group:
                        publish_on(pipe, user_topic(tenant_id, uid), "call",
                                   **{**pop, "interaction_id": int(time.time() * 1e6)})
                    pipe.execute()
            set_agent_states([StateChange(tenant_id, uid, AgentState(state), **extra) for uid in group])
            count += len(group)
    out.put(count)


def run_changers(tenant_id: int, user_ids: list[int], seconds: float, pop: dict) -> tuple[float, float, list]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 1.0
    parts = [user_ids[k::CHANGERS] for k in range(CHANGERS)]
    procs = [ctx.Process(target=change_states, args=(tenant_id, part, seconds, start_at, out, pop))
             for part in parts if part]
    for p in procs:
        p.start()
    return start_at, start_at + seconds, (procs, out)


# ---- the tabs, held by several client processes ------------------------------------------------
class Floor:
    """The tabs of one client process, with what they received."""

    def __init__(self, url: str):
        from bgotocall.state.agent_call import AgentCallState
        from bgotocall.state.campaigns_agent import AgentCampaignsState
        from bgotocall.state.voice import VoiceState
        from tests.support.reflex_socket import state_path

        self.url = url
        self.voice, self.campaigns = state_path(VoiceState), state_path(AgentCampaignsState)
        self.call = state_path(AgentCallState)
        self.tabs = []
        self.latencies: list[float] = []
        self.pops: list[float] = []
        self.window = (0.0, 0.0)
        self.version_seen: dict[int, float] = {}       # tab -> when the new version arrived
        self.version_wanted = 0
        self.version_everywhere = asyncio.Event()

    def on_delta(self, tab, delta: dict, received: float) -> None:
        mine = delta.get(self.voice)
        if mine and "my_since_rx_state_" in mine:
            since = mine["my_since_rx_state_"]
            if self.window[0] <= since <= self.window[1]:
                self.latencies.append((received - since) * 1000)
        call = (delta.get(self.call) or {}).get("call_id_rx_state_")
        if call and self.window[0] <= call / 1e6 <= self.window[1]:
            self.pops.append(received * 1000 - call / 1000)
        rows = (delta.get(self.campaigns) or {}).get("campaigns_rx_state_")
        if self.version_wanted and rows and rows[0].get("version") == self.version_wanted:
            self.version_seen.setdefault(id(tab), received)
            if len(self.version_seen) == len(self.tabs):
                self.version_everywhere.set()

    async def open(self, http, tokens: list[str]) -> None:
        from tests.support.reflex_socket import Tab

        on_mount = [(f"{self.voice}.load_my_state", {}), (f"{self.campaigns}.load_agent_campaigns", {})]
        new = [Tab(self.url, "/bandeau", token, on_delta=self.on_delta) for token in tokens]
        gate = asyncio.Semaphore(10)

        async def one(tab):
            async with gate:
                await tab.open(http, on_mount)
                await tab.wait_for(lambda t: t.loaded() and t.value_of(self.voice, "me")
                                   and t.value_of(self.campaigns, "campaigns"),
                                   timeout=300)
        await asyncio.gather(*(one(tab) for tab in new))
        self.tabs.extend(new)


def client_process(url: str, conn) -> None:
    """One load client: holds its tabs and answers the conductor's commands."""
    import aiohttp

    async def serve():
        floor = Floor(url)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            while True:
                command, *args = await asyncio.to_thread(conn.recv)
                if command == "open":
                    await floor.open(http, args[0])
                    conn.send(len(floor.tabs))
                elif command == "window":
                    floor.window, floor.latencies, floor.pops = tuple(args), [], []
                    conn.send(True)
                elif command == "version":
                    floor.version_wanted, floor.version_seen = args[0], {}
                    floor.version_everywhere.clear()
                    conn.send(True)
                elif command == "version seen":     # once all this client's tabs saw it, or after args[0] s
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(floor.version_everywhere.wait(), args[0])
                    conn.send(list(floor.version_seen.values()))
                elif command == "report":
                    conn.send((floor.latencies, len(floor.tabs), floor.pops))
                elif command == "close":
                    for tab in floor.tabs:
                        await tab.close()
                    conn.send(True)
                    return
    import uvloop       # the loop the web workers run on (granian's choice): the clients cost less

    uvloop.run(serve())


class Clients:
    def __init__(self, url: str, count: int):
        ctx = multiprocessing.get_context("spawn")
        self.pipes, self.procs = [], []
        for _ in range(count):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=client_process, args=(url, theirs), daemon=True)
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)
        self.tabs = 0

    def ask(self, *command, each=None) -> list:
        for k, pipe in enumerate(self.pipes):
            pipe.send(command if each is None else (*command, each[k]))
        return [pipe.recv() for pipe in self.pipes]

    def open(self, tokens: list[str]) -> None:
        parts = [tokens[k::len(self.pipes)] for k in range(len(self.pipes))]
        self.tabs = sum(self.ask("open", each=parts))

    def close(self) -> None:
        self.ask("close")
        for proc in self.procs:
            proc.join()


def bench(url: str, stack, floor_data, steps: list[int], seconds: float, clients: int) -> None:
    import psutil

    tenant_id, ids, supervisor, campaign_id, pop = floor_data
    tokens = log_in(ids[:max(steps)])
    floor = Clients(url, clients)
    web = psutil.Process(stack.processes["web"].pid)
    try:
        for n in steps:
            t0 = time.monotonic()
            floor.open(tokens[floor.tabs:n])
            opened = time.monotonic() - t0
            procs = [web] + web.children(recursive=True)
            for p in procs:
                p.cpu_percent(None)
            start, end, (changers, out) = run_changers(tenant_id, ids[:n], seconds, pop)
            floor.ask("window", start, end)
            broadcast = None
            if n == steps[-1]:
                time.sleep(max(0.0, start - time.time() + seconds / 2))
                broadcast = save_version(floor, supervisor, campaign_id)
            time.sleep(max(0.0, end - time.time()) + 3)       # the last changes drain
            made = sum(out.get() for _ in changers)
            for p in changers:
                p.join()
            cpu = sum(p.cpu_percent(None) for p in procs if p.is_running())
            reports = floor.ask("report")
            lat = sorted(x for latencies, _, _ in reports for x in latencies)
            pops = sorted(x for _, _, popped in reports for x in popped)
            calls = n * sum(1 for second in range(int(seconds)) if CYCLE[second % len(CYCLE)][0] == "IN_CALL")
            load = os.getloadavg()
            print(f"{n} agents: {spread(lat, made)}   ({made} changes in {seconds:.0f} s, web CPU {cpu:.0f} % "
                  f"of a core, tabs opened in {opened:.0f} s, load average {load[0]:.1f} {load[1]:.1f})", flush=True)
            print(f"{n} agents, screen pops: {spread(pops, calls)}   ({calls} pops)", flush=True)
            if broadcast is not None:
                print(broadcast, flush=True)
    finally:
        floor.close()


def spread(latencies: list[float], sent: int) -> str:
    """p50 / p95 / p99 of the sorted latencies (ms) and the share of `sent` that arrived."""
    values = latencies or [float("nan")]
    pct = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return (f"p50 {statistics.median(values):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
            f"delivered {100 * len(latencies) / max(sent, 1):.1f} %")


def save_version(floor: Clients, supervisor, campaign_id: int) -> str:
    from services.campaigns.lifecycle import get_campaign
    from services.campaigns.versions import save_campaign

    campaign = get_campaign(supervisor, campaign_id)
    config = dict(campaign.config)
    config["channels"] = {**config["channels"], "voice": {**config["channels"]["voice"],
                                                          "script": "<p>Nouvel argumentaire</p>"}}
    floor.ask("version", campaign.version + 1)
    t0 = time.time()
    result = save_campaign(supervisor, campaign_id, config)
    saved = time.time() - t0
    seen = sorted(at for times in floor.ask("version seen", 30) for at in times)
    at = lambda q: 1000 * (seen[min(len(seen) - 1, int(q * len(seen)))] - t0) if seen else float("nan")  # noqa: E731
    return (f"campaign version {result.version} reached {len(seen)}/{floor.tabs} open panels in {at(1):.0f} ms "
            f"(from the save's start, during the state pushes; saved in {1000 * saved:.0f} ms, the first "
            f"panel at {at(0):.0f} ms, half of them at {at(0.5):.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="200,500,1000,2000")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clients", type=int, default=4, help="load client processes")
    parser.add_argument("--worker-cpu", type=float, default=0.0,
                        help="cap each web worker at this share of a core (0: no cap)")
    args = parser.parse_args()
    steps = sorted(int(n) for n in args.agents.split(","))
    url, stack, stop = start_product(args.workers)
    uncap = lambda: None  # noqa: E731
    try:
        if args.worker_cpu:
            uncap = cap_web_workers(stack, args.worker_cpu)
        floor = create_floor(max(steps))
        from services.settings import get_settings
        from services.stack.environment import redis_major_version
        print(f"{args.workers} web worker(s), {os.cpu_count()} cores, Redis "
              f"{redis_major_version(get_settings().redis_url)}, load average at start "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        bench(url, stack, floor, steps, args.seconds, args.clients)
    finally:
        uncap()
        stop()


if __name__ == "__main__":
    main()
