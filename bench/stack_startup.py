"""Start the whole product twice on a fresh data folder, as `make run` does, and print
how long each start takes to answer and how much memory the running stack uses.

    .venv/bin/python bench/stack_startup.py
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_rss_mb(pids: list[int]) -> float:
    """Resident memory of the given processes and all their children."""
    seen, total = set(), 0
    for pid in pids:
        try:
            root = psutil.Process(pid)
        except psutil.NoSuchProcess:
            continue
        for proc in [root, *root.children(recursive=True)]:
            if proc.pid not in seen:
                seen.add(proc.pid)
                try:
                    total += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
    return total / 2**20


def one_start(data_dir: Path) -> tuple[float, float]:
    os.environ.update(BGC_DATA_DIR=str(data_dir), BGC_WEB_PORT=str(_free_port()),
                      BGC_SANDBOX_PORT=str(_free_port()))
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    from services.settings import get_settings

    get_settings.cache_clear()
    from services.db.engine import get_engine
    from services.infra.redis import get_redis

    get_engine.cache_clear()
    get_redis.cache_clear()
    from services.stack import run

    t0 = time.monotonic()
    run.ensure_secret_key()
    servers = run.prepare_databases()
    from services.demo import load_demo_data
    from services.stack.environment import stack_environment
    from services.stack.processes import Ports, Stack

    load_demo_data()
    s = get_settings()
    stack = Stack(stack_environment(s.data_dir, s.database_url, s.redis_url),
                  Ports(web=s.web_port, sandbox=s.sandbox_port), s.data_dir / "logs")
    stack.start()
    elapsed = time.monotonic() - t0
    pids = [os.getpid(), *(p.pid for p in stack.processes.values())]
    memory = stack_rss_mb(pids) + _postgres_rss_mb(data_dir)
    stack.stop()
    get_engine().dispose()
    servers.stop()
    return elapsed, memory


def _postgres_rss_mb(data_dir: Path) -> float:
    """pgserver starts PostgreSQL detached: find its postmaster by the data folder."""
    for proc in psutil.process_iter(["cmdline"]):
        if str(data_dir / "servers" / "pg") in " ".join(proc.info["cmdline"] or []):
            return stack_rss_mb([proc.pid])
    return 0.0


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bgc-bench-"))
    try:
        first, mem1 = one_start(data_dir)
        second, mem2 = one_start(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"first start on an empty data folder: {first:.1f} s (migrations, demo data, "
          f"frontend build)")
    print(f"second start, data kept:             {second:.1f} s")
    print(f"memory of the running stack (RSS):   {max(mem1, mem2):.0f} MB")


if __name__ == "__main__":
    main()
