"""The pbx bridge under a burst of simulator events: events/s and lag from AMI event to published state.

Starts an embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set), a tenant with N
enrolled agents, the PBX simulator (in this process) with their registered phones, and the real bridge
as its own process (`python -m services.voice.bridge`). Then, over AMI as Asterisk sends them:
  1. a burst: every agent's phone cycles ringing -> in use -> idle -> unregistered -> idle, each
     DeviceStateChange followed by an event the bridge must read and ignore (Newexten), all at once:
     events/s = events sent / time until the last resulting state is published;
  2. a steady load at --rate events/s for --seconds: lag p50/p95/p99 from the moment the simulator
     writes an event to the moment its agent state is in the live stream (Redis stream id time).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CYCLE = ["RINGING", "INUSE", "NOT_INUSE", "UNAVAILABLE", "NOT_INUSE"]   # 5 state changes per round


def setup(agents: int):
    from services.db.migrations import upgrade_all
    from services.db.tenancy import create_tenant
    from services.models.platform import Role
    from services.platform.users import create_user
    from services.voice.directory import give_extensions

    upgrade_all()
    slug = "b" + secrets.token_hex(5)
    tenant = create_tenant(slug, "Bench SARL", "CM", "XAF")
    for i in range(agents):
        create_user(f"agent{i}@{slug}.example", secrets.token_urlsafe(12), f"Agent {i:03d}", Role.AGENT, tenant.id)
    give_extensions(tenant.id)
    return tenant


async def run(args, tenant) -> None:
    from services.infra.redis import get_redis
    from services.live import tenant_topic
    from services.live.events import STREAM
    from services.sandbox.pbx import PbxControl
    from services.sandbox.pbx.clock import RealClock
    from services.sandbox.pbx.tenants import Tenant
    from services.voice.bridge import bridge_ready

    extensions = [str(2001 + i) for i in range(args.agents)]
    sim_tenant = Tenant(tenant.slug, agents={e: f"Agent {e}" for e in extensions}, registered=set(extensions))
    with tempfile.TemporaryDirectory() as rec:
        pbx = await PbxControl.start(port=0, recordings=rec, tenants=[sim_tenant], clock=RealClock())
        bridge = subprocess.Popen([sys.executable, "-m", "services.voice.bridge", "--port", str(pbx.port)],
                                  env={**os.environ, "BGC_PBX_COMMANDS": f"bgc:pbx:commands:bench-{tenant.slug}"},
                                  cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL)
        try:
            while not bridge_ready(pbx.port):
                if bridge.poll() is not None:
                    raise SystemExit("the bridge exited")
                await asyncio.sleep(0.05)   # waiting for the process we started
            r = get_redis()
            endpoints = [f"PJSIP/{tenant.slug}-{e}" for e in extensions]

            async def wait_published(since: str, count: int, timeout: float = 120) -> list:
                deadline, found, cursor = time.monotonic() + timeout, [], since
                while len(found) < count and time.monotonic() < deadline:
                    batch = r.xrange(STREAM, min=f"({cursor}", count=5000)
                    if not batch:
                        await asyncio.sleep(0.005)
                        continue
                    cursor = batch[-1][0]
                    found += [entry for entry in batch if entry[1]["kind"] == "agent_state"
                              and entry[1]["topic"] == tenant_topic(tenant.id)]
                return found

            def emit(endpoint: str, state: str) -> float:
                sent = time.time()
                pbx.bus.emit("DeviceStateChange", "call", [("Device", endpoint), ("State", state)])
                pbx.bus.emit("Newexten", "dialplan", [("Channel", f"{endpoint}-0000abcd"), ("Application", "NoOp"),
                                                      ("AppData", "noise the bridge reads and ignores")])
                return sent

            # ---- 1. burst ---------------------------------------------------------------------------
            start_id = r.xadd(STREAM, {"topic": "bench", "kind": "mark", "data": "{}"})
            t0 = time.time()
            for round_ in range(args.rounds):
                for state in CYCLE:
                    for endpoint in endpoints:
                        emit(endpoint, state)
                    await asyncio.sleep(0)      # let the transport write
            expected = args.rounds * len(CYCLE) * len(endpoints)
            published = await wait_published(start_id, expected)
            last_ms = int(published[-1][0].split("-")[0]) if published else 0
            burst_seconds = last_ms / 1000 - t0
            sent_events = expected * 2
            print(f"burst: {sent_events} AMI events ({expected} state changes) from {len(endpoints)} agents "
                  f"in {burst_seconds:.2f} s = {sent_events / burst_seconds:,.0f} events/s "
                  f"({len(published)} states published)")

            # ---- 2. steady rate: lag -------------------------------------------------------------------
            start_id = r.xadd(STREAM, {"topic": "bench", "kind": "mark", "data": "{}"})
            sent_at: dict[str, list[float]] = {e: [] for e in endpoints}
            interval = 2 / args.rate                 # each step sends 2 AMI events
            steps = int(args.rate * args.seconds / 2)
            t_start = time.perf_counter()
            for i in range(steps):
                endpoint = endpoints[i % len(endpoints)]
                state = CYCLE[(i // len(endpoints)) % len(CYCLE)]
                sent_at[endpoint].append(emit(endpoint, state))
                delay = t_start + (i + 1) * interval - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif i % 50 == 0:
                    await asyncio.sleep(0)
            published = await wait_published(start_id, steps)
            user_endpoint = {}
            from services.voice.directory import endpoint_owners
            for ep, (tid, uid) in endpoint_owners().items():
                if tid == tenant.id:
                    user_endpoint[uid] = f"PJSIP/{ep}"
            import json
            seen: dict[str, int] = {}
            lags = []
            for entry_id, fields in published:
                endpoint = user_endpoint[json.loads(fields["data"])["user_id"]]
                index = seen.get(endpoint, 0)
                seen[endpoint] = index + 1
                lags.append(int(entry_id.split("-")[0]) - sent_at[endpoint][index] * 1000)
            lags.sort()
            q = statistics.quantiles(lags, n=100)
            actual_rate = steps * 2 / (time.perf_counter() - t_start)
            print(f"steady: {steps * 2} AMI events at {actual_rate:,.0f} events/s for {args.seconds} s: "
                  f"lag event -> published state p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, "
                  f"max {lags[-1]:.1f} ms ({len(lags)} states)")
        finally:
            bridge.terminate()
            bridge.wait(10)
            await pbx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rate", type=int, default=2000, help="AMI events/s of the steady phase")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("BGC_DATA_DIR", str(Path(folder) / "data"))
        os.environ.setdefault("BGC_SECRET_KEY", secrets.token_urlsafe(32))
        servers = None
        if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
            from services.infra.embedded import start_embedded
            servers = start_embedded(Path(folder) / "servers")
            os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = servers.database_url, servers.redis_url
        try:
            asyncio.run(run(args, setup(args.agents)))
        finally:
            if servers is not None:
                servers.stop()


if __name__ == "__main__":
    main()
