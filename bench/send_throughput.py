"""Messaging throughput end to end (UC-DG-01, issue 12): LIVE campaigns of N personalised
messages through the sequencer, the Dramatiq workers and the sandbox twins.

Starts an embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set), the sandbox
and `--processes` Dramatiq worker processes of `--threads` threads, then drives the scheduler's
messaging tick until every attempt is settled. Three runs:

1. SMS: N personalised SMS through the Twilio twin, rate limits off;
2. email: N personalised emails through the SendGrid twin (`--email-provider smtp`: through
   the SMTP sink, once the SMTP adapter is merged), rate limits off;
3. rate limit: 1,000 SMS over 5 senders at 10 SMS/s per sender must take 20 s ± 5 %.

For each: messages/s end to end and per stage (sequencing; claim → checks → wallet → in
flight; in flight → accepted by the provider), peak memory of the workers and of the sandbox,
and the twin's count per attempt (each exactly once). The provider's delivery callbacks are
not part of the measure (they go to a port nobody listens to). Print `uptime` with the figures:
on a shared machine they say as much about the neighbours as about the engine.

    .venv/bin/python bench/send_throughput.py                  # N = 2,000, about a minute
    .venv/bin/python bench/send_throughput.py --count 100000   # the issue's figure
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
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RATE_SENDERS, RATE_PER_SENDER, RATE_MESSAGES = 5, 10.0, 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(folder: Path):
    os.environ["BGC_DATA_DIR"] = str(folder / "data")
    os.environ.setdefault("BGC_SECRET_KEY", secrets.token_urlsafe(32))
    port = _free_port()
    os.environ["BGC_SANDBOX_PORT"] = str(port)
    os.environ["BGC_SMTP_PORT"] = str(_free_port())
    os.environ["BGC_WEB_PORT"] = str(_free_port())  # callbacks go nowhere: not measured here
    os.environ["TWILIO_API_BASE"] = f"http://127.0.0.1:{port}/twilio"
    os.environ["SENDGRID_HOST"] = f"http://127.0.0.1:{port}/sendgrid"
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return None
    from services.infra.embedded import start_embedded

    servers = start_embedded(folder / "servers")
    os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = servers.database_url, servers.redis_url
    return servers


def _tenant():
    from services.billing.wallet import start_wallet
    from services.db.tenancy import create_tenant
    from services.identity.system import system_context
    from services.models.platform import Role
    from services.platform.users import create_user

    tenant = create_tenant("b" + secrets.token_hex(5), "Bench SARL", "CM", "XAF")
    admin = create_user(f"admin@{tenant.slug}.example", secrets.token_urlsafe(12), "Bench",
                        Role.ADMIN, tenant.id)
    start_wallet(tenant.id, "XAF", credit=10**12)
    return tenant, system_context(tenant.id, admin.id)


def _use_smtp(ctx) -> None:
    try:
        from services.tenant_settings import save_messaging_settings
    except ImportError:
        sys.exit("--email-provider smtp: the SMTP adapter (helper « email ») is not merged yet")
    errors = save_messaging_settings(ctx, "smtp", False)
    if errors:
        sys.exit(f"SMTP not accepted: {errors}")


def _campaign(ctx, slot: str, count: int, sender: str, first: int = 0) -> int:
    """A LIVE campaign of `count` new contacts (numbers the twin delivers) on one slot."""
    from services.audience.file_import import import_file
    from services.campaigns.config import default_config
    from services.campaigns.lifecycle import create_campaign
    from services.db.tenancy import tenant_session
    from services.models.campaigns import Campaign

    rows = ["Nom;Prénom;Téléphone;Email"] + [
        f"Client{i};Awa;+23767{i:06d}5;client{i}@bench.example"
        for i in range(first, first + count)]
    list_id = import_file(ctx, f"Bench {slot} {first}", ("\n".join(rows) + "\n").encode())
    config = default_config(f"Bench {slot} {sender}")
    config["bands"] = {str(d): "00:00-12:00, 12:00-24:00" for d in range(7)}
    if slot == "sms":
        config["channels"]["sms"].update(enabled=True, sender=sender,
                                         text="Bonjour {Prenom} {Nom}, -10 % ce mois.")
    else:
        config["channels"]["sms"]["enabled"] = False
        config["channels"]["email"] = {"enabled": True, "sender": sender,
                                       "subject": "Offre pour {Nom}", "text": "",
                                       "html": "<p>Bonjour <b>{Prenom} {Nom}</b>, -10 %.</p>"}
    config["lists"] = [list_id]
    campaign = create_campaign(ctx, config)
    with tenant_session(ctx) as s:  # LIVE without the launch's queued start: the bench drives
        row = s.get(Campaign, campaign.id)
        row.status = "LIVE"
        s.add(row)
    return campaign.id


@dataclass
class Processes:
    sandbox: subprocess.Popen
    base: str

    def workers(self, args, rate: float = 0.0) -> subprocess.Popen:
        env = {**os.environ, "BGC_SMS_RATE_PER_SENDER": str(rate)}
        return subprocess.Popen([sys.executable, "-m", "dramatiq", "services.workers.messaging",
                                 "--processes", str(args.processes), "--threads",
                                 str(args.threads), "--queues", "messaging"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)


def _rss(*roots: subprocess.Popen) -> float:
    import psutil

    total = 0
    for root in roots:
        try:
            tree = [psutil.Process(root.pid), *psutil.Process(root.pid).children(True)]
            total += sum(p.memory_info().rss for p in tree if p.is_running())
        except psutil.Error:
            pass
    return total / 2**20


def _drive(ctx, tenant_id: int, campaign_ids: list[int], procs: Processes,
           workers: subprocess.Popen, senders: int) -> dict:
    """Sequence, then tick until every attempt of the campaigns is settled."""
    from sqlalchemy import func, select

    from services.db.tenancy import tenant_session
    from services.messaging import dispatch
    from services.messaging.sequencer import sequence_tenant
    from services.models.interactions import Interaction

    t = Interaction.__table__
    mine = t.c.campaign_id.in_(campaign_ids)
    started = time.perf_counter()
    queued = sequence_tenant(ctx)
    sequenced = time.perf_counter()
    dispatch.SENDERS = senders
    peak_workers = peak_sandbox = 0.0
    next_rss = 0.0
    while True:
        dispatch.dispatch_tenant(tenant_id)  # reconcile, start runs (at most every 2 s)
        dispatch.start_senders(tenant_id, force=True)
        with tenant_session(ctx) as s:
            waiting = s.execute(select(func.count()).where(
                mine, t.c.status.in_(("QUEUED", "SENDING")))).scalar_one()
        if not waiting or time.monotonic() >= next_rss:  # walking the process tree costs CPU
            peak_workers = max(peak_workers, _rss(workers))
            peak_sandbox = max(peak_sandbox, _rss(procs.sandbox))
            next_rss = time.monotonic() + 2
        if not waiting:
            break
        time.sleep(0.25)
    done = time.perf_counter()
    with tenant_session(ctx) as s:
        span = s.execute(select(
            func.count(), func.count().filter(t.c.sent_at.isnot(None)),
            func.extract("epoch", func.max(t.c.sending_at) - func.min(t.c.sending_at)),
            func.extract("epoch", func.max(t.c.sent_at) - func.min(t.c.sending_at)),
            func.extract("epoch", func.max(t.c.sent_at) - func.min(t.c.sent_at)),
            func.avg(func.extract("epoch", t.c.sent_at - t.c.sending_at)),
        ).where(mine)).one()
        ids = set(s.execute(select(t.c.id).where(mine)).scalars())
    return {"queued": queued, "sequencing": sequenced - started, "sending": done - sequenced,
            "total": done - started, "attempts": span[0], "sent": span[1],
            "in_flight_span": float(span[2] or 0), "accepted_span": float(span[3] or 0),
            "first_to_last_sent": float(span[4] or 0), "call_latency": float(span[5] or 0),
            "peak_workers": peak_workers, "peak_sandbox": peak_sandbox, "ids": ids}


def _twin_counts(procs: Processes, channel: str, tenant_id: int) -> dict[int, int]:
    import httpx

    if channel == "sms":
        counts = httpx.get(f"{procs.base}/twilio/_sandbox/attempts", timeout=60).json()
    else:  # the inbox: one mail per attempt, custom_args (SendGrid) or Message-ID (SMTP)
        counts = {}
        for mail in httpx.get(f"{procs.base}/inbox/api/messages", timeout=60).json():
            key = (mail.get("custom_args") or {}).get("attempt", "")
            if not key and mail.get("message_id", "").startswith("<attempt."):
                key = ":".join(mail["message_id"][9:].split("@")[0].split(".")[:2])
            if key:
                counts[key] = counts.get(key, 0) + 1
    prefix = f"{tenant_id}:"
    return {int(k[len(prefix):]): v for k, v in counts.items() if k.startswith(prefix)}


def _report(label: str, unit: str, r: dict, once: int) -> None:
    n = r["attempts"]
    print(f"\n== {label}: {n:,} {unit}")
    print(f"  end to end:  {n / r['total']:,.0f} {unit}/s ({r['total']:.1f} s, sequencing included)")
    print(f"  sequencing:  {r['queued'] / max(r['sequencing'], 1e-9):,.0f} attempts/s "
          f"({r['sequencing']:.2f} s)")
    print(f"  sending:     {n / max(r['sending'], 1e-9):,.0f} {unit}/s ({r['sending']:.1f} s, "
          "claim to the last one settled)")
    print(f"  in flight:   {n / max(r['in_flight_span'], 1e-3):,.0f} {unit}/s marked "
          "(claim, checks, wallet, in-flight UPDATE; first to last batch)")
    print(f"  accepted:    {r['sent'] / max(r['accepted_span'], 1e-9):,.0f} {unit}/s by the "
          f"provider; mean in flight → recorded {1000 * r['call_latency']:.0f} ms (turn in the run's "
          "threads, provider call, the batch's record)")
    print(f"  peak RSS:    workers {r['peak_workers']:.0f} MB, sandbox {r['peak_sandbox']:.0f} MB")
    print(f"  exactly once at the twin: {once:,} / {n:,}")


def run(args) -> None:
    import httpx

    from services.db.migrations import upgrade_all

    upgrade_all()
    sandbox = subprocess.Popen([sys.executable, "-m", "services.sandbox.server", "--port",
                                os.environ["BGC_SANDBOX_PORT"]], start_new_session=True)
    procs = Processes(sandbox, f"http://127.0.0.1:{os.environ['BGC_SANDBOX_PORT']}")
    started: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{procs.base}/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        httpx.post(f"{procs.base}/twilio/_sandbox/callbacks/off")
        print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
              f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} cores; workers: "
              f"{args.processes} processes x {args.threads} threads")
        senders = args.processes * args.threads
        workers = procs.workers(args)
        started.append(workers)
        failures = 0
        for slot in args.channels:
            tenant, ctx = _tenant()
            if slot == "email" and args.email_provider == "smtp":
                _use_smtp(ctx)
            campaign = _campaign(ctx, slot, args.count, "BENCH" if slot == "sms"
                                 else "bench@b-gotocall.example")
            r = _drive(ctx, tenant.id, [campaign], procs, workers, senders)
            counts = _twin_counts(procs, slot, tenant.id)
            once = sum(1 for i in r["ids"] if counts.get(i) == 1)
            unit = "SMS" if slot == "sms" else "emails"
            _report(f"{slot.upper()} through the {'Twilio twin' if slot == 'sms' else args.email_provider}, "
                    "rate limits off", unit, r, once)
            failures += once != r["attempts"] or r["attempts"] != args.count
        os.killpg(workers.pid, 9)
        workers.wait(10)
        if args.rate_check:
            workers = procs.workers(args, rate=RATE_PER_SENDER)
            started.append(workers)
            tenant, ctx = _tenant()
            per = RATE_MESSAGES // RATE_SENDERS
            ids = [_campaign(ctx, "sms", per, f"BENCH{k}", first=k * per)
                   for k in range(RATE_SENDERS)]
            time.sleep(3)  # the workers are up before the clock starts
            r = _drive(ctx, tenant.id, ids, procs, workers, senders)
            counts = _twin_counts(procs, "sms", tenant.id)
            once = sum(1 for i in r["ids"] if counts.get(i) == 1)
            expected = per / RATE_PER_SENDER
            took = r["first_to_last_sent"]
            ok = abs(took - expected) <= 0.05 * expected
            print(f"\n== rate limit: {r['attempts']:,} SMS over {RATE_SENDERS} senders at "
                  f"{RATE_PER_SENDER:g} SMS/s each")
            print(f"  first to last SMS accepted: {took:.2f} s (expected {expected:.0f} s ± 5 %: "
                  f"{'OK' if ok else 'OUT OF RANGE'}); end to end {r['total']:.2f} s")
            print(f"  exactly once at the twin: {once:,} / {r['attempts']:,}")
            failures += (not ok) + (once != r["attempts"]) + (r["attempts"] != RATE_MESSAGES)
        print(f"\nload average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
              f"{os.getloadavg()[2]:.2f}")
        if failures:
            sys.exit(1)
    finally:
        for proc in (*started, sandbox):
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000, help="messages per channel")
    parser.add_argument("--channels", default="sms,email",
                        type=lambda v: [c for c in v.split(",") if c in ("sms", "email")])
    parser.add_argument("--email-provider", choices=("sendgrid", "smtp"), default="sendgrid")
    parser.add_argument("--no-rate-check", dest="rate_check", action="store_false")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        servers = _environment(Path(folder))
        try:
            run(args)
        finally:
            if servers is not None:
                servers.stop()


if __name__ == "__main__":
    main()
