"""Contact-list import end to end, as the UI and the worker run it, into PostgreSQL.

Generates the same seeded 1,000,000-row CSV as bench/import_contacts.py (mixed national
and international numbers, ~5 % duplicates, ~3 % invalid, ~2 % opted out), starts an
embedded PostgreSQL (unless DATABASE_URL is set), creates a tenant at the migration head,
loads the opt-outs through the blacklist import, then runs the product's functions:
store_upload -> inspect_source -> record_contact_import -> run_contact_import (the worker's
body: clean + COPY in one transaction). Prints rows/s, peak memory of this process (the
worker's share; PostgreSQL runs in its own processes) and contact-search latencies.
"""

import argparse
import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--searches", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ.setdefault("BGC_DATA_DIR", str(folder / "data"))
        os.environ.setdefault("BGC_SECRET_KEY", secrets.token_urlsafe(32))
        servers = None
        if not os.environ.get("DATABASE_URL"):
            from services.infra.embedded import start_postgres

            servers, os.environ["DATABASE_URL"] = start_postgres(folder / "pg")
        try:
            run(folder, args)
        finally:
            if servers is not None:
                servers.cleanup()


def run(folder: Path, args) -> None:
    from import_contacts import generate  # noqa: E402  (the pure bench's generator)

    from services.audience.blacklist import import_opt_outs
    from services.audience.imports import inspect_source, record_contact_import, store_upload
    from services.audience.injection import run_contact_import
    from services.audience.search import find_contacts
    from services.db.migrations import upgrade_platform
    from services.db.tenancy import create_tenant
    from services.identity.system import system_context
    from services.models.platform import Role
    from services.platform.users import create_user

    upgrade_platform()
    slug = "bench" + secrets.token_hex(3)
    tenant = create_tenant(slug, "Bench SARL", "CM", "XAF")
    user = create_user(f"admin@{slug}.cm", "Bench-password-1", "Bench", Role.ADMIN, tenant.id)
    ctx = system_context(tenant.id, user.id)

    path = folder / "contacts.csv"
    started = time.perf_counter()
    blacklist = generate(path, args.rows, args.seed)
    print(f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")
    optouts = folder / "optouts.csv"
    optouts.write_text("Téléphone\n" + "\n".join(sorted(blacklist.phones)) + "\n", encoding="utf-8")
    started = time.perf_counter()
    added, _ = import_opt_outs(ctx, optouts)
    print(f"blacklist: {added:,} phones imported in {time.perf_counter() - started:.1f} s")

    before = peak_mb()
    started = time.perf_counter()
    with open(path, "rb") as stream:
        source = {"kind": "file", "upload": store_upload(ctx, stream)}
    mapping = inspect_source(ctx, source).suggested
    contact_list = record_contact_import(ctx, "Bench", source, mapping, "telephone", args.rows)
    uploaded = time.perf_counter()
    summary = run_contact_import(tenant.id, contact_list.id, user.id)
    elapsed = time.perf_counter() - uploaded
    print(f"upload + inspect: {uploaded - started:.2f} s")
    print(f"import job (clean + COPY, one transaction): {summary.total:,} rows in {elapsed:.2f} s "
          f"= {summary.total / elapsed:,.0f} rows/s")
    print(f"accepted: {summary.accepted:,}  errors: {summary.errors:,}  "
          f"duplicates: {summary.duplicates:,}  blacklisted: {summary.blacklisted:,}")
    print(f"peak RSS of the worker process: {peak_mb():.0f} MB (before the import: {before:.0f} MB)")

    rnd = random.Random(args.seed)
    queries = [f"6{rnd.choice('5789')}{rnd.randrange(10**7):07d}" for _ in range(args.searches // 2)]
    queries += [rnd.choice(["mbarga", "lefevre h", "Éboué", "zoe", "a.12"]) for _ in range(args.searches // 2)]
    timings = []
    for query in queries:
        started = time.perf_counter()
        find_contacts(ctx, query)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"search among {summary.accepted:,} contacts ({len(queries)} queries, phone/name/email): "
          f"p50 {statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95)]:.1f} ms")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
