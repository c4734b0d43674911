"""SMS sending throughput end to end (UC-DG-01): a LIVE campaign of N contacts through the
sequencer, the Dramatiq workers and the Twilio twin, rate limits off.

Starts an embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set), the sandbox
(Twilio twin) and `--processes` Dramatiq worker processes of `--threads` threads, then drives
the scheduler's messaging tick until every attempt is settled. Prints messages/s for the
sequencing stage and for sending (claim → checks → wallet → provider → record), and the
workers' peak memory. Checks that the twin received each attempt exactly once.
"""
from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(folder: Path):
    os.environ["BGC_DATA_DIR"] = str(folder / "data")
    os.environ.setdefault("BGC_SECRET_KEY", secrets.token_urlsafe(32))
    port = _free_port()
    os.environ["BGC_SANDBOX_PORT"] = str(port)
    os.environ["BGC_WEB_PORT"] = str(_free_port())  # callbacks go nowhere: not measured here
    os.environ["TWILIO_API_BASE"] = f"http://127.0.0.1:{port}/twilio"
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return None
    from services.infra.embedded import start_embedded

    servers = start_embedded(folder / "servers")
    os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = servers.database_url, servers.redis_url
    return servers


def _campaign(count: int):
    from services.audience.file_import import import_file
    from services.billing.wallet import start_wallet
    from services.campaigns.config import default_config
    from services.campaigns.lifecycle import create_campaign
    from services.db.tenancy import create_tenant
    from services.identity.system import system_context
    from services.models.campaigns import Campaign
    from services.db.tenancy import tenant_session

    from services.models.platform import Role
    from services.platform.users import create_user

    tenant = create_tenant("b" + secrets.token_hex(5), "Bench SARL", "CM", "XAF")
    admin = create_user(f"admin@{tenant.slug}.example", secrets.token_urlsafe(12), "Bench",
                        Role.ADMIN, tenant.id)
    ctx = system_context(tenant.id, admin.id)
    rows = ["Nom;Prénom;Téléphone"] + [f"Client{i};Awa;+23767{i:05d}55" for i in range(count)]
    list_id = import_file(ctx, "Bench", ("\n".join(rows) + "\n").encode())
    start_wallet(tenant.id, "XAF", credit=count * 100)
    config = default_config("Bench SMS")
    config["bands"] = {str(d): "00:00-12:00, 12:00-24:00" for d in range(7)}
    config["channels"]["sms"].update(enabled=True, sender="BENCH", text="Bonjour {Nom}, -10 %.")
    config["lists"] = [list_id]
    campaign = create_campaign(ctx, config)
    with tenant_session(ctx) as s:  # LIVE without the launch's queued start: the bench drives
        row = s.get(Campaign, campaign.id)
        row.status = "LIVE"
        s.add(row)
    return tenant, ctx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        servers = _environment(Path(folder))
        try:
            run(args)
        finally:
            if servers is not None:
                servers.stop()


def run(args) -> None:
    import httpx
    import psutil

    from services.db.migrations import upgrade_all
    from services.db.tenancy import tenant_session
    from services.messaging import dispatch
    from services.messaging.sequencer import sequence_tenant
    from services.models.interactions import Interaction
    from sqlalchemy import func, select

    upgrade_all()
    sandbox = subprocess.Popen([sys.executable, "-m", "services.sandbox.server", "--port",
                                os.environ["BGC_SANDBOX_PORT"]], start_new_session=True)
    workers = subprocess.Popen([sys.executable, "-m", "dramatiq", "services.workers.messaging",
                                "--processes", str(args.processes), "--threads",
                                str(args.threads), "--queues", "messaging"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    base = f"http://127.0.0.1:{os.environ['BGC_SANDBOX_PORT']}"
    try:
        while True:
            try:
                httpx.get(f"{base}/health")
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        tenant, ctx = _campaign(args.contacts)
        started = time.perf_counter()
        queued = sequence_tenant(ctx)
        sequenced = time.perf_counter()
        dispatch.SENDERS = args.processes * args.threads
        peak = 0.0
        while True:
            dispatch.start_senders(tenant.id)
            with tenant_session(ctx) as s:
                waiting = s.execute(select(func.count()).select_from(Interaction).where(
                    Interaction.status.in_(("QUEUED", "SENDING")))).scalar_one()
            tree = [psutil.Process(workers.pid), *psutil.Process(workers.pid).children(True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
            if not waiting:
                break
            time.sleep(0.2)
        done = time.perf_counter()
        counts = httpx.get(f"{base}/twilio/_sandbox/attempts").json()
        once = sum(1 for k, v in counts.items() if k.startswith(f"{tenant.id}:") and v == 1)
        print(f"contacts: {args.contacts:,}  attempts queued: {queued:,}  "
              f"workers: {args.processes} x {args.threads} threads")
        print(f"sequencing: {sequenced - started:.2f} s  ({queued / (sequenced - started):,.0f} attempts/s)")
        print(f"sending:    {done - sequenced:.2f} s  ({queued / (done - sequenced):,.0f} SMS/s)")
        print(f"end to end: {queued / (done - started):,.0f} SMS/s;  workers' peak RSS: {peak:.0f} MB")
        print(f"received exactly once by the twin: {once:,} / {queued:,}")
    finally:
        for proc in (workers, sandbox):
            os.killpg(proc.pid, 9)
            proc.wait(10)


if __name__ == "__main__":
    main()
