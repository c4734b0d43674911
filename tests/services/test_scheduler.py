"""The scheduler's ticks, called directly: idempotent, and a failing tick stops no other."""
import subprocess
import sys
import threading
from datetime import date

from sqlmodel import select

from services.billing.invoices import issue_monthly_invoices
from services.billing.wallet import credit_wallet, debit_wallet, open_wallet
from services.db.engine import platform_session
from services.models.billing import Invoice
from services.models.columns import utcnow
from services.scheduler import Tick, run_due, tick_monthly_invoices
from tests.support.accounts import new_tenant


def _next_month_start() -> date:
    today = utcnow().date()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def tenant_with_usage():
    tenant = new_tenant()
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    credit_wallet(tenant.id, 50_000)
    debit_wallet(tenant.id, 1_250, kind="sms", quantity=50)
    debit_wallet(tenant.id, 3_000, kind="voice_minute", quantity=60)
    return tenant


def monthly_invoices(tenant) -> list[Invoice]:
    with platform_session() as s:
        return s.exec(select(Invoice).where(Invoice.tenant_id == tenant.id,
                                            Invoice.kind == "monthly")).all()


def test_monthly_tick_twice_issues_one_invoice_per_tenant_and_month():
    tenant = tenant_with_usage()

    first = tick_monthly_invoices(_next_month_start())
    second = tick_monthly_invoices(_next_month_start())
    invoices = monthly_invoices(tenant)
    assert first >= 1 and second == first
    assert len(invoices) == 1
    assert invoices[0].net_amount == 4_250
    now = utcnow()
    assert invoices[0].dedupe_key == f"monthly:{tenant.id}:{now.year}-{now.month:02d}"


def test_due_ticks_run_on_their_interval_and_a_failure_stops_no_other():
    calls = []

    def broken():
        raise RuntimeError("database gone")

    ticks = [Tick("a", 60, lambda: calls.append("a") or 1), Tick("b", 10, broken),
             Tick("c", 10, lambda: calls.append("c") or 0)]
    assert run_due(ticks, 1000.0) == ["a", "b", "c"]
    assert run_due(ticks, 1005.0) == []
    assert run_due(ticks, 1010.0) == ["b", "c"]
    assert run_due(ticks, 1060.0) == ["a", "b", "c"]
    assert calls == ["a", "c", "c", "a", "c"]


def test_a_stop_ends_the_round_before_the_next_tick_and_the_next_tenant():
    calls = []
    ticks = [Tick("a", 60, lambda: calls.append("a") or 1)]
    stop = threading.Event()
    stop.set()
    assert run_due(ticks, 1000.0, stop) == [] and calls == []
    tenant = tenant_with_usage()
    assert issue_monthly_invoices(_next_month_start(), stop=stop) == 0
    assert monthly_invoices(tenant) == []


def test_the_process_starts_and_stops_on_sigterm(tmp_path):
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-m", "services.scheduler", "--ready-file",
                             str(ready)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        from tests.support.waiting import wait_until
        wait_until(lambda: ready.exists() or proc.poll() is not None, what="scheduler ready")
        assert proc.poll() is None, proc.stdout.read().decode()
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
