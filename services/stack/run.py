"""`make run`: the whole product on one machine, with demo data. Ctrl-C stops it all."""
from __future__ import annotations

import os
import secrets
import signal
import sys
import time

from services.settings import get_settings


def ensure_secret_key() -> None:
    """A developer machine gets a random key kept in the data folder (never in git)."""
    if os.environ.get("BGC_SECRET_KEY"):
        return
    path = get_settings().data_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    os.environ["BGC_SECRET_KEY"] = path.read_text().strip()
    get_settings.cache_clear()


def prepare_databases():
    """Embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are given."""
    settings = get_settings()
    servers = None
    if not (settings.database_url and settings.redis_url):
        from services.infra.embedded import start_embedded

        servers = start_embedded(settings.data_dir / "servers")
        os.environ.setdefault("DATABASE_URL", servers.database_url)
        os.environ.setdefault("REDIS_URL", servers.redis_url)
        get_settings.cache_clear()
    from services.db.migrations import upgrade_all

    upgrade_all()
    return servers


def banner(started_in: float) -> str:
    from services.demo import demo_logins

    s = get_settings()
    lines = [
        "", f"B-GOTOCALL OS is running ({started_in:.1f} s): {s.public_url}", "",
        f"Logins (password for all: {s.demo_password}):",
        *[f"  {login.role:<22} {login.email}" for login in demo_logins()],
        "", f"Sandbox inbox (emails sent by the product): {s.sandbox_url}/inbox/",
        f"Sandbox SMTP sink (its mails land in the inbox): 127.0.0.1:{s.smtp_sink_port}",
        f"Logs: {s.data_dir / 'logs'}", "Ctrl-C stops everything.", "",
    ]
    return "\n".join(lines)


def main() -> None:
    t0 = time.monotonic()
    ensure_secret_key()
    servers = prepare_databases()
    from services.demo import load_demo_data
    from services.stack.environment import stack_environment
    from services.stack.processes import Ports, Stack, StackError

    if load_demo_data():
        print("Demo data loaded.")
    s = get_settings()
    (s.data_dir / "redis.url").write_text(s.redis_url)   # for `make demo-call` from another terminal
    stack = Stack(stack_environment(s.data_dir, s.database_url, s.redis_url),
                  Ports(web=s.web_port, sandbox=s.sandbox_port), s.data_dir / "logs")
    print("Starting the web app, workers and sandbox...", flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        if not stopping:
            stopping = True
            print("\nStopping...", flush=True)
            stack.stop()
            if servers:
                servers.stop()
            raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start()
    except StackError as error:      # a port taken (another `make run`?), a process that died at start
        print(f"\nB-GOTOCALL OS could not start: {error}", file=sys.stderr, flush=True)
        stack.stop()
        if servers:
            servers.stop()
        raise SystemExit(1) from None
    print(banner(time.monotonic() - t0), flush=True)
    while True:
        stack.raise_if_exited()
        time.sleep(1)  # watch the children; signals interrupt it


if __name__ == "__main__":
    main()
