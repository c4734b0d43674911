"""Test session set-up: real PostgreSQL and Redis (embedded unless given), migrated,
and — for the tests that ask for it — the whole product running as `make run` runs it."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from tests.support.ports import free_port

# One folder and one set of ports per test run, so concurrent runs never collide.
_TEST_DATA = Path(tempfile.mkdtemp(prefix="bgc-test-"))
os.environ["BGC_DATA_DIR"] = str(_TEST_DATA / "data")
# Reflex's build folders too, so two test runs in one checkout never share a build.
os.environ["REFLEX_WEB_WORKDIR"] = str(_TEST_DATA / "web")
os.environ["REFLEX_STATES_WORKDIR"] = str(_TEST_DATA / "states")
for _name in ("BGC_WEB_PORT", "BGC_SANDBOX_PORT", "BGC_PBX_PORT", "BGC_SMTP_PORT", "BGC_SIP_WS_PORT"):
    os.environ[_name] = str(free_port())
os.environ.setdefault("BGC_SECRET_KEY", secrets.token_urlsafe(32))
os.environ["BGC_PUBLIC_URL"] = f"http://localhost:{os.environ['BGC_WEB_PORT']}"
os.environ["SENDGRID_HOST"] = f"http://127.0.0.1:{os.environ['BGC_SANDBOX_PORT']}/sendgrid"


def _start_servers():
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return None
    from services.infra.embedded import start_embedded

    servers = start_embedded(_TEST_DATA / "servers")
    os.environ["DATABASE_URL"] = servers.database_url
    os.environ["REDIS_URL"] = servers.redis_url
    return servers


_SERVERS = _start_servers()


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# A run stopped by SIGTERM/SIGHUP (CI's time limit, a closed terminal) unwinds like Ctrl-C, so the
# fixtures stop the product and the embedded servers instead of leaving them running.
signal.signal(signal.SIGTERM, _interrupt)
signal.signal(signal.SIGHUP, _interrupt)


def pytest_collection_modifyitems(items):
    """Tests that need the running product go last: once started, its workers and scheduler act on
    every tenant's due work, so a test that drives an engine by hand (sending, dialling) must run
    before them to see only its own steps."""
    items.sort(key=lambda item: "product" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", autouse=True)
def migrated_database():
    from services.db.migrations import upgrade_all

    upgrade_all()
    yield
    if _SERVERS is not None:
        _SERVERS.stop()
    shutil.rmtree(_TEST_DATA, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_data(migrated_database):
    from services.demo import load_demo_data

    load_demo_data()


@pytest.fixture(scope="session")
def tracked_files_before_start():
    """The repository's tracked files just before the product starts (see tests/services/stack)."""
    from tests.support.repository import tracked_files

    return tracked_files()


@pytest.fixture(scope="session")
def product(demo_data, tracked_files_before_start):
    """The web app, workers and sandbox, started by the same code as `make run`."""
    from services.settings import get_settings
    from services.stack.environment import stack_environment
    from services.stack.processes import Ports, Stack

    s = get_settings()
    _forget_agent_states()
    _drop_engine_tests_messages()
    stack = Stack(stack_environment(s.data_dir, s.database_url, s.redis_url),
                  Ports(web=s.web_port, sandbox=s.sandbox_port), s.data_dir / "logs")
    stack.start()
    yield s
    stack.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test of the running product shows the end of its processes' logs and what its browser
    pages said: the data folder holding the logs is gone after the run, and CI keeps only the output."""
    report = (yield).get_result()
    if report.failed and "product" in getattr(item, "fixturenames", ()):
        from services.settings import get_settings

        for log in sorted((get_settings().data_dir / "logs").glob("*.log")):
            report.sections.append((f"{log.stem} log (end)",
                                    log.read_text(errors="replace")[-4000:]))
        if getattr(item, "browser_log", None):
            report.sections.append(("browser (console, websocket frames, posted requests)", "\n".join(item.browser_log)))


def _drop_engine_tests_messages() -> None:
    """The engine tests drove their engines by hand; what they queued for the workers meanwhile (every
    launch's sequencing, invoices, emails, imports) was done or is moot. Left there, it would be the
    product's workers' first hour of work, and an e2e test's message would wait behind it."""
    from services.workers import broker

    broker.broker.flush_all()


def _forget_agent_states() -> None:
    """The product starts on a PBX of its own: the agent states that the engine tests' PBXs left in
    Redis (e.g. a demo agent still « En appel » there) say nothing about it."""
    from services.infra.redis import get_redis

    r = get_redis()
    keys = list(r.scan_iter("bgc:agent-state:*"))
    if keys:
        r.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_login_throttle(migrated_database):
    """Each test starts with no failed-login counters (they live in Redis for 15 min)."""
    from services.infra.redis import get_redis

    r = get_redis()
    keys = list(r.scan_iter("login-fail:*"))
    if keys:
        r.delete(*keys)
