"""Exactly once through crashes: Dramatiq worker processes killed with SIGKILL while they send;
at the end every attempt reached the Twilio twin once (the twin counts by our attempt id),
none is lost and none is left in flight.

The suite runs it with 600 attempts; the issue's figure (20,000 attempts, three kills) is the same
test with BGC_CRASH_ATTEMPTS=20000 (see bench/README or the sending section of README.md)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from sqlalchemy import func
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.messaging.dispatch import dispatch_tenant
from services.models.interactions import Interaction
from tests.services.messaging.conftest import SmsCampaign
from tests.support.waiting import wait_until

CONTACTS = int(os.environ.get("BGC_CRASH_ATTEMPTS", "600"))
KILLS = 3
PATIENCE = 120 + CONTACTS / 25  # seconds per stage: the machine may be loaded


def _start_worker(log_path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "services.workers.messaging", "--processes", "1",
         "--threads", "4", "--queues", "messaging"],
        stdout=log_path.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _statuses(ctx) -> dict[str, int]:
    with tenant_session(ctx) as s:
        return dict(s.exec(select(Interaction.status, func.count()).group_by(
            Interaction.status)).all())


def test_every_attempt_reaches_the_twin_once_through_kill_9(sandbox, tmp_path):
    c = SmsCampaign(count=CONTACTS)
    log = tmp_path / "workers.log"
    worker = _start_worker(log)
    try:
        for k in range(1, KILLS + 1):
            wait_until(lambda: dispatch_tenant(c.tenant.id) is not None and
                       sum(sandbox.attempts(c.tenant.id).values()) >= k * CONTACTS // (KILLS + 1),
                       timeout=PATIENCE, what=f"{k}/{KILLS + 1} of the messages sent")
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
            worker = _start_worker(log)

        def all_settled():
            dispatch_tenant(c.tenant.id)
            statuses = _statuses(c.admin)
            return not (statuses.keys() & {"QUEUED", "SENDING"}) and statuses

        statuses = wait_until(all_settled, timeout=PATIENCE + 60, what="every attempt settled")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    with tenant_session(c.admin) as s:
        ids = set(s.exec(select(Interaction.id)).all())
    counts = sandbox.attempts(c.tenant.id)
    assert len(ids) == CONTACTS
    assert sum(statuses.values()) == CONTACTS and set(statuses) <= {"SENT", "DELIVERED"}
    assert counts == {i: 1 for i in ids}, {i: n for i, n in counts.items() if n != 1}


def test_propager_l_os_starts_sending_with_no_scheduler_tick(sandbox, tmp_path):
    worker = _start_worker(tmp_path / "workers.log")
    try:
        c = SmsCampaign(count=5)  # launched: "Propager l'OS"
        wait_until(lambda: sandbox.attempts(c.tenant.id) and
                   sum(sandbox.attempts(c.tenant.id).values()) == 5,
                   timeout=90, what="the five SMS of the launched campaign")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    assert _statuses(c.admin).keys() <= {"SENT", "DELIVERED"}
