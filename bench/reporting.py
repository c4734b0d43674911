"""Reporting on 1,000,000 interactions over 100 campaigns (issue 14).

Starts an embedded PostgreSQL (unless DATABASE_URL is set), creates a tenant at the migration
head with 100 campaigns and 20 agents, loads seeded interactions with COPY (calls inbound and
outbound at every outcome, messages at every stage, over 30 days), ANALYZEs, then measures
the product's own functions:
- the campaign dashboard (figures + per-agent, per-hour, per-code, comments) over the
  30 days (every row of the campaign) and over one day: p50 / p95;
- one journal page with filters (agent + code, channel + status, date range), sorted: p95;
- a CSV export of the whole tenant's 1,000,000 rows by the worker's function, run in a
  child process so its peak RSS is the worker's: time and peak memory.
Targets: dashboard p95 <= 300 ms, journal p95 <= 100 ms, 1M-row CSV <= 10 s, <= 256 MB.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COLUMNS = ("channel", "direction", "campaign_id", "contact_id", "address", "agent_id", "slot",
           "step", "status", "queued_at", "sent_at", "delivered_at", "read_at", "clicked_at",
           "failed_at", "answered_at", "ended_at", "wrapup_ended_at", "outcome", "qualification",
           "form_answers", "cost_amount", "cost_currency", "failure_class", "failure_reason")
CODES = ("VENTE", "RAPPEL", "REFUS", "NUMERO_INVALIDE", "")
DAYS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ.setdefault("BGC_DATA_DIR", str(folder / "data"))
        os.environ.setdefault("BGC_SECRET_KEY", secrets.token_urlsafe(32))
        server = None
        if not os.environ.get("DATABASE_URL"):
            from services.infra.embedded import start_postgres

            server, os.environ["DATABASE_URL"] = start_postgres(folder / "pg")
        try:
            run(args)
        finally:
            if server is not None:
                server.cleanup()


def _row(rnd: random.Random, campaign: int, contact: int, agents: list[int], start: datetime):
    at = start + timedelta(seconds=rnd.randrange(DAYS * 86400))
    sent = delivered = read = clicked = failed = answered = ended = wrapped = None
    outcome = code = failure_class = reason = ""
    answers, cost, currency, agent = "{}", 0, "", None
    if rnd.random() < 0.5:  # a call
        channel, slot, agent = "VOIX", "voice", rnd.choice(agents)
        direction = "IN" if rnd.random() < 0.2 else "OUT"
        fate = rnd.random()
        if fate < 0.3:
            status, ended = "ENDED", at + timedelta(seconds=30)
            outcome = rnd.choice(("busy", "no-answer"))
        else:
            answered = at + timedelta(seconds=rnd.randint(1, 40))
            ended = answered + timedelta(seconds=rnd.randint(20, 600))
            wrapped = ended + timedelta(seconds=rnd.randint(0, 90))
            status, code = "WRAPPED_UP", rnd.choice(CODES)
            answers = '{"montant": "%d", "comment": "Rappel demandé"}' % rnd.randint(0, 50000)
            cost, currency = rnd.randint(10, 200), "XAF"
    else:
        channel = rnd.choice(("SMS", "EMAIL", "WHATSAPP"))
        slot, direction = channel.lower(), "OUT"
        stage = rnd.randint(1, 5)
        if stage == 1:
            status, failed, failure_class, reason = "FAILED", at, "PERMANENT", "Numéro invalide"
        else:
            sent = at + timedelta(seconds=5)
            delivered = sent + timedelta(seconds=5) if stage >= 3 else None
            read = delivered + timedelta(seconds=60) if stage >= 4 else None
            clicked = read + timedelta(seconds=60) if stage >= 5 else None
            status = ("SENT", "DELIVERED", "READ", "CLICKED")[stage - 2]
            cost, currency = rnd.randint(5, 30), "XAF"
    return (channel, direction, campaign, contact, f"+2376{contact:08d}", agent, slot, 0, status,
            at, sent, delivered, read, clicked, failed, answered, ended, wrapped, outcome, code,
            answers, cost, currency, failure_class, reason)


def load_interactions(schema: str, campaigns: list[int], agents: list[int], rows: int, seed: int):
    from services.db.engine import get_engine

    rnd = random.Random(seed)
    start = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) \
        - timedelta(days=DAYS - 1)
    per_campaign = rows // len(campaigns)
    raw = get_engine().raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            sql = f'COPY "{schema}".interaction ({", ".join(COLUMNS)}) FROM STDIN'
            with cursor.copy(sql) as copy:
                for campaign in campaigns:
                    for n in range(per_campaign):
                        copy.write_row(_row(rnd, campaign, n + 1, agents, start))
        raw.commit()
        with raw.cursor() as cursor:
            cursor.execute(f'ANALYZE "{schema}".interaction')
        raw.commit()
    finally:
        raw.close()
    return start


def timed(fn, samples: int, warm_up: int = 3) -> list[float]:
    for _ in range(warm_up):  # connection pool, caches: not what a user waits for
        fn()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def p95(times: list[float]) -> float:
    return times[min(len(times) - 1, int(len(times) * 0.95))]


def show(label: str, times: list[float]) -> None:
    print(f"{label}: p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
          f"({len(times)} samples)")


def run(args) -> None:
    from services.campaigns.config import default_config
    from services.campaigns.lifecycle import create_campaign
    from services.db.migrations import upgrade_platform
    from services.db.tenancy import create_tenant
    from services.identity.system import system_context
    from services.models.platform import Role
    from services.platform.users import create_user
    from services.reporting.dashboard import campaign_dashboard
    from services.reporting.exports import record_export
    from services.reporting.journal import JournalFilter, journal_page
    from services.reporting.periods import period

    print(f"load average at start: {os.getloadavg()}")
    upgrade_platform()
    slug = "bench" + secrets.token_hex(3)
    tenant = create_tenant(slug, "Bench SARL", "CM", "XAF")
    admin = create_user(f"admin@{slug}.cm", "Bench-password-1", "Bench", Role.ADMIN, tenant.id)
    ctx = system_context(tenant.id, admin.id)
    agents = [create_user(f"agent{i}@{slug}.cm", "Bench-password-1", f"Agent {i:02d}",
                          Role.AGENT, tenant.id).id for i in range(20)]
    campaigns = [create_campaign(ctx, default_config(f"Campagne {i:03d}")).id
                 for i in range(args.campaigns)]
    started = time.perf_counter()
    start = load_interactions(tenant.schema_name, campaigns, agents, args.rows, args.seed)
    print(f"loaded {args.rows:,} interactions over {len(campaigns)} campaigns with COPY "
          f"(+ ANALYZE) in {time.perf_counter() - started:.1f} s")

    rnd = random.Random(args.seed)
    zone_today = date.today()
    first = start.date()
    whole = lambda zone: period("custom", zone, first_day=first, last_day=zone_today)  # noqa: E731
    today = lambda zone: period("today", zone)  # noqa: E731
    show(f"campaign dashboard, {DAYS} days (every row of a {args.rows // len(campaigns):,}-row "
         "campaign)", timed(lambda: campaign_dashboard(ctx, rnd.choice(campaigns), whole),
                            args.samples // 2))
    show("campaign dashboard, today", timed(lambda: campaign_dashboard(
        ctx, rnd.choice(campaigns), today), args.samples // 2))

    day = first + timedelta(days=10)
    filters = [JournalFilter(agent_id=None, code="VENTE"),
               JournalFilter(channel="SMS", status="FAILED"),
               JournalFilter(first_day=day, last_day=day + timedelta(days=2)),
               JournalFilter(channel="VOIX", status="WRAPPED_UP", code="RAPPEL")]

    def journal():
        chosen = rnd.choice(filters)
        if rnd.random() < 0.5:
            chosen = JournalFilter(**{**chosen.__dict__, "agent_id": rnd.choice(agents)})
        journal_page(ctx, rnd.choice(campaigns), chosen, rnd.choice(("date", "duree")),
                     True, rnd.randint(1, 3), 25)
    show("journal page (25 rows, filters, sort, count)", timed(journal, args.samples))

    export = record_export(ctx, None, ["date", "canal", "contact", "coordonnees", "agent",
                                       "statut", "resultat", "qualification", "duree", "cout",
                                       "commentaire"], "csv")
    code = ("import sys, time, resource; from services.reporting.exports import run_export; "
            "t = time.perf_counter(); job = run_export(*map(int, sys.argv[1:])); "
            "print(job.state, job.rows_written, f'{time.perf_counter() - t:.2f}', "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(tenant.id), str(admin.id),
                          str(export.id)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1], env=os.environ).stdout.split()
    state, rows, seconds, peak = out[-4:]
    from services.reporting.exports import exports_dir

    size = (exports_dir(tenant.schema_name) / f"{export.token}.csv").stat().st_size / 2**20
    print(f"CSV export of the whole tenant: {state}, {int(rows):,} rows ({size:.0f} MB) in "
          f"{seconds} s by the worker's function; worker peak RSS {peak} MB")
    print(f"load average at end: {os.getloadavg()}  (2 cores shared with other work)")


if __name__ == "__main__":
    main()
