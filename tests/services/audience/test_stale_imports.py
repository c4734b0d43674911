"""An import job killed mid-way: no contact exists, and the scheduler's tick marks the list
"Échec" with a clear reason once its heartbeat is stale and no job holds it."""
import io
import signal
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from services.audience.imports import inspect_source, record_contact_import, store_upload
from services.audience.stale_imports import STALE_REASON, fail_stale_imports
from services.db.tenancy import tenant_session
from services.models.audience import ContactList, ContactRecord
from services.models.columns import utcnow
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant
from tests.support.waiting import wait_until


def _list(ctx, list_id) -> ContactList:
    with tenant_session(ctx) as session:
        return session.get(ContactList, list_id)


def _contacts(ctx) -> int:
    with tenant_session(ctx) as session:
        return session.exec(select(func.count()).select_from(ContactRecord)).one()


def test_a_killed_job_leaves_no_contact_and_its_list_is_failed_by_the_tick():
    admin = context_for(new_tenant(), Role.ADMIN)
    rows = "".join(f"C{i};Nom{i};Jean;6{i % 4 + 5}{i:07d};\n" for i in range(400_000))
    source = {"kind": "file",
              "upload": store_upload(admin, io.BytesIO(("id;nom;prenom;tel;email\n" + rows).encode()))}
    contact_list = record_contact_import(admin, "Interrompue", source,
                                         inspect_source(admin, source).suggested)
    job = subprocess.Popen([sys.executable, "-c",
                            "import sys; from services.audience.injection import "
                            "run_contact_import as r; r(*map(int, sys.argv[1:]))",
                            str(admin.tenant_id), str(contact_list.id), str(admin.user_id)])
    try:
        wait_until(lambda: _list(admin, contact_list.id).processed_rows > 0, timeout=60,
                   what="the job copying rows")
        later = utcnow() + timedelta(hours=1)
        assert fail_stale_imports(now=later) == 0  # alive: it holds the list
        assert _list(admin, contact_list.id).status == "EN_COURS"
        job.send_signal(signal.SIGKILL)
        job.wait(timeout=30)
    finally:
        if job.poll() is None:
            job.kill()

    stuck = _list(admin, contact_list.id)
    assert stuck.status == "EN_COURS" and stuck.processed_rows > 0
    assert _contacts(admin) == 0  # the single transaction died with the job
    assert fail_stale_imports() == 0  # heartbeat still fresh: not yet
    wait_until(lambda: fail_stale_imports(now=utcnow() + timedelta(hours=1)) >= 0
               and _list(admin, contact_list.id).status == "ECHEC", timeout=30,
               what="the backend of the killed job gone")
    failed = _list(admin, contact_list.id)
    assert failed.failure_reason == STALE_REASON and failed.finished_at is not None
    assert fail_stale_imports(now=utcnow() + timedelta(hours=1)) == 0  # once
    assert _contacts(admin) == 0
