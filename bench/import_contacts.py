"""Contact-list import throughput (UC-CP-06 steps A-C): read -> map -> clean.

Generates a seeded CSV (mixed national and international numbers, ~5 % duplicates,
~3 % invalid, ~2 % opted out) in a temp folder, then runs it through the functions the
UI and the import worker call. Prints rows/s, counts per category and peak memory.

"""

import argparse
import contextlib
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.audience.cleaning import Blacklist, CleaningRules, DedupeOn  # noqa: E402
from services.audience.export import RejectedRowsReport  # noqa: E402
from services.audience.mapping import suggest_mapping  # noqa: E402
from services.audience.phones import InvalidPhone, PhoneNormalizer  # noqa: E402
from services.audience.pipeline import import_contacts  # noqa: E402
from services.audience.readers import open_table  # noqa: E402

HEADER = ["client_id", "Nom", "Prénom", "Téléphone", "Email", "Ville"]
LAST_NAMES = ["Mbarga", "Nkoulou", "Müller", "Lefèvre", "Fotso", "Ngo Bassa", "Dupont", "Éboué"]
FIRST_NAMES = ["Hélène", "François", "Aïcha", "Jean-Pierre", "Zoë", "Ibrahim", "Marie", "Noël"]
CITIES = ["Yaoundé", "Douala", "Paris", "Garoua", "Lyon", "Bafoussam"]
INVALID = ["12345", "6 71 23", "+237 1 23 45 67 89", "pas de numéro", "+999 123456789", "6,71E+08"]


def cm_national(rnd: random.Random) -> str:
    digits = f"6{rnd.choice('5789')}{rnd.randrange(10**7):07d}"
    return rnd.choice([digits, " ".join([digits[0], *(digits[i:i + 2] for i in range(1, 9, 2))]),
                       f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"])


def international(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.6:
        return f"+237 {cm_national(rnd)}"
    if kind < 0.85:
        return f"+33 6{rnd.randrange(10**8):08d}"
    if kind < 0.93:
        return f"+44 7400 {rnd.randrange(10**6):06d}"
    return f"+1 212 {rnd.randrange(200, 999)} {rnd.randrange(10**4):04d}"


def generate(path: Path, rows: int, seed: int) -> Blacklist:
    """Writes the file; returns a blacklist that ~2 % of the rows hit."""
    rnd = random.Random(seed)
    recent: list[str] = []
    blacklisted: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            roll = rnd.random()
            if roll < 0.05 and recent:
                phone = rnd.choice(recent)
            elif roll < 0.08:
                phone = rnd.choice(INVALID)
            else:
                phone = cm_national(rnd) if rnd.random() < 0.55 else international(rnd)
                recent.append(phone) if len(recent) < 10_000 else recent.__setitem__(rnd.randrange(10_000), phone)
                if roll < 0.10:
                    blacklisted.add(phone)
            last, first = rnd.choice(LAST_NAMES), rnd.choice(FIRST_NAMES)
            email = f"{first[:1].lower()}.{number}@exemple.cm" if rnd.random() < 0.5 else ""
            writer.writerow([f"C{number:07d}", last, first, phone, email, rnd.choice(CITIES)])
    return _as_e164_blacklist(blacklisted)


def _as_e164_blacklist(raw_phones: set[str]) -> Blacklist:
    to_e164 = PhoneNormalizer("CM").to_e164
    phones = set()
    for raw in raw_phones:
        with contextlib.suppress(InvalidPhone):
            phones.add(to_e164(raw))
    return Blacklist(phones=frozenset(phones))


def run(path: Path, blacklist: Blacklist) -> None:
    started = time.perf_counter()
    table = open_table(path)
    mapping = suggest_mapping(table.columns, custom_fields=["Ville"])
    accepted = 0

    def copy_batch(batch: list) -> None:  # where the lead's PostgreSQL COPY goes
        nonlocal accepted
        accepted += len(batch)

    with open(path.with_suffix(".rejets.csv"), "w", encoding="utf-8-sig", newline="") as out:
        report = RejectedRowsReport(out, table.columns)
        summary = import_contacts(table, mapping, CleaningRules("CM", DedupeOn.TELEPHONE), blacklist,
                                  on_batch=copy_batch, on_rejected=report.write)
    elapsed = time.perf_counter() - started
    assert accepted == summary.accepted
    print(f"mapping: {mapping}")
    print(f"rows: {summary.total:,}  seconds: {elapsed:.2f}  rows/s: {summary.total / elapsed:,.0f}")
    print(f"accepted: {summary.accepted:,}  errors: {summary.errors:,}  "
          f"duplicates: {summary.duplicates:,}  blacklisted: {summary.blacklisted:,}")
    print(f"rejected-rows report: {report.rows_written:,} rows")


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        started = time.perf_counter()
        blacklist = generate(path, args.rows, args.seed)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s; blacklist: {len(blacklist.phones):,} phones")
        before = peak_mb(resource.RUSAGE_SELF)
        run(path, blacklist)
    print(f"peak RSS: {peak_mb(resource.RUSAGE_SELF):.0f} MB (after generating the file: {before:.0f} MB)")


if __name__ == "__main__":
    main()
