"""The scheduler: periodic ticks (monthly invoices, low-balance alerts, abandoned imports, the
last wallet change of a burst to the open pages, campaign messaging, call recordings' retention,
scheduled synthesis reports).

`python -m services.scheduler` runs a small loop; each tick is an ordinary function that is
idempotent (an invoice per tenant and month, an alert per threshold crossing, a list failed
once), so two schedulers, a restart or a tick run twice do no harm. The work they start
(emails) goes through the Dramatiq workers like everything else. SIGTERM or SIGINT sets STOP:
the loop ends after the tick in progress, and the ticks that go over every tenant stop after the
tenant in progress (each tenant's work is its own transaction), so a stop never waits for a
whole round over hundreds of tenants.
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

log = logging.getLogger("services.scheduler")
STOP = threading.Event()


def tick_monthly_invoices(today: date | None = None) -> int:
    """Invoice the previous month of every active tenant (once per tenant and month)."""
    from services.billing.invoices import issue_monthly_invoices

    return issue_monthly_invoices(today, stop=STOP)


def tick_plan_reductions(today: date | None = None) -> int:
    """Subscription reductions take effect on the first day of the month they were set for."""
    from services.billing.subscription import apply_scheduled_reductions

    return apply_scheduled_reductions(today)


def tick_low_balances() -> int:
    from services.billing.wallet import check_low_balances

    return check_low_balances()


def tick_wallet_announcements() -> int:
    from services.billing.wallet import announce_pending_changes

    return announce_pending_changes()


def tick_stale_imports() -> int:
    from services.audience.stale_imports import fail_stale_imports

    return fail_stale_imports()


def tick_messaging() -> int:
    """Campaign messaging: reconcile dead runs, queue due attempts, start sending runs."""
    from services.messaging.dispatch import dispatch_all

    return dispatch_all(stop=STOP)


def tick_recording_retention() -> int:
    """Call recordings older than each tenant's retention period are deleted."""
    from services.voice.recordings import purge_expired

    return purge_expired()


def tick_report_syntheses() -> int:
    """Synthesis PDFs emailed on a schedule: each schedule's last finished period, once."""
    from services.reporting.schedules import send_due_syntheses

    return send_due_syntheses()


@dataclass
class Tick:
    name: str
    every_seconds: float
    run: Callable[[], int]
    next_at: float = 0.0  # monotonic; 0 = at start


TICKS = [
    Tick("monthly_invoices", 3600, tick_monthly_invoices),
    Tick("plan_reductions", 3600, tick_plan_reductions),
    Tick("low_balances", 60, tick_low_balances),
    Tick("stale_imports", 120, tick_stale_imports),
    Tick("wallet_announcements", 1, tick_wallet_announcements),
    Tick("messaging", 2, tick_messaging),
    Tick("recording_retention", 3600, tick_recording_retention),
    Tick("report_syntheses", 300, tick_report_syntheses),
]


def run_due(ticks: list[Tick], now: float, stop: threading.Event = STOP) -> list[str]:
    """Run the ticks that are due at `now` (monotonic seconds); the names of those run.

    A failing tick is logged and tried again at its next time; the others go on. None starts
    once `stop` is set.
    """
    ran = []
    for tick in ticks:
        if stop.is_set():
            break
        if now < tick.next_at:
            continue
        tick.next_at = now + tick.every_seconds
        try:
            count = tick.run()
            if count:
                log.info("%s: %s", tick.name, count)
        except Exception:
            log.exception("tick %s failed", tick.name)
        ran.append(tick.name)
    return ran


def serve(stop: threading.Event = STOP, ticks: list[Tick] = TICKS, ready_file: Path | None = None) -> None:
    import services.workers.broker  # noqa: F401  (emails are queued to the workers)

    if ready_file:
        ready_file.write_text("ready\n")
    while not stop.is_set():
        run_due(ticks, time.monotonic(), stop)
        wake = min(t.next_at for t in ticks) - time.monotonic()
        stop.wait(max(1.0, wake))


def main() -> None:
    parser = argparse.ArgumentParser(description="B-GOTOCALL OS periodic ticks")
    parser.add_argument("--ready-file", type=Path, help="written once the loop runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: STOP.set())
    serve(STOP, ready_file=args.ready_file)


if __name__ == "__main__":
    main()
