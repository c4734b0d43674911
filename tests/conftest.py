"""Test session set-up: real PostgreSQL and Redis (embedded unless given), migrated."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# One folder per test run, so concurrent runs never share servers or files.
_TEST_DATA = Path(tempfile.mkdtemp(prefix="bgc-test-"))
os.environ.setdefault("BGC_DATA_DIR", str(_TEST_DATA / "data"))


def _start_servers():
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return None
    from services.infra.embedded import start_embedded

    servers = start_embedded(_TEST_DATA / "servers")
    os.environ["DATABASE_URL"] = servers.database_url
    os.environ["REDIS_URL"] = servers.redis_url
    return servers


_SERVERS = _start_servers()


@pytest.fixture(scope="session", autouse=True)
def migrated_database():
    from services.db.migrations import upgrade_all

    upgrade_all()
    yield
    if _SERVERS is not None:
        _SERVERS.stop()
    shutil.rmtree(_TEST_DATA, ignore_errors=True)
