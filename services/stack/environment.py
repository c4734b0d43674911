"""The environment every process of the stack gets."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from services.settings import REPO_ROOT

BUN_VERSION = "1.4.4"  # the version Reflex 0.10.1 pins
TOOLS = REPO_ROOT / "tools"


def bun_path() -> Path:
    """Bun from the npm registry: Reflex's own installer downloads from outside."""
    path = TOOLS / "node_modules" / ".bin" / "bun"
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to install bun (apt-get install npm).")
        subprocess.run([npm, "install", "--prefix", str(TOOLS), f"bun@{BUN_VERSION}",
                        "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    return path


def npm_registry() -> str:
    npm = shutil.which("npm")
    if npm is None:
        return ""
    out = subprocess.run([npm, "config", "get", "registry"], capture_output=True, text=True)
    return out.stdout.strip()


def redis_major_version(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return int(str(client.info("server")["redis_version"]).split(".")[0])
    finally:
        client.close()


def web_workers() -> int:
    """Web worker processes: one per core by default (BGC_WEB_WORKERS to choose). Each runs its
    own event loop; they share the tabs' states and the live stream through Redis."""
    wanted = os.environ.get("BGC_WEB_WORKERS", "")
    return max(1, int(wanted)) if wanted.isdigit() else max(1, os.cpu_count() or 1)


def stack_environment(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    bun = bun_path()
    env.update({
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Reflex reads REFLEX_REDIS_URL, not REDIS_URL: the tabs' states then live in Redis, where
        # every web worker finds them (and no disk folder of state files is scanned).
        "REFLEX_REDIS_URL": redis_url,
        "REFLEX_STATE_MANAGER_MODE": "redis",
        # The worker holding a tab's socket keeps its state in memory under a lease on the Redis
        # lock (released after a few seconds, or at once when another worker asks for it): a
        # push then costs no Redis round trip. The live consumer pushes from that worker.
        # Reflex needs Redis 7 for it (PEXPIRE ... XX); an older REDIS_URL goes without.
        "REFLEX_OPLOCK_ENABLED": "true" if redis_major_version(redis_url) >= 7 else "false",
        # A lease lasts 45 s as Reflex keeps it; the worker then holds it for minutes while it
        # renews its lock (bgotocall/lease_locks.py): a write-back and re-lease costs ten pushes.
        # A worker that dies frees its tabs' locks after 50 s: their reconnected tabs then hydrate
        # elsewhere. Contention (the tab's socket moving) breaks a lease at once.
        "REFLEX_OPLOCK_HOLD_TIME": "45s",
        "REFLEX_REDIS_LOCK_EXPIRATION": "50000",
        "GRANIAN_WORKERS": str(web_workers()),
        "BGC_DATA_DIR": str(data_dir),
        # The pbx bridge writes the tenants' Asterisk includes here; the simulator reads them.
        "BGC_ASTERISK_CONFIG_DIR": env.get("BGC_ASTERISK_CONFIG_DIR", str(data_dir / "asterisk")),
        "REFLEX_BUN_PATH": str(bun),
        "PATH": f"{bun.parent}{os.pathsep}{Path(os.sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_DIR": str(TOOLS / "reflex"),
        "BUN_INSTALL_CACHE_DIR": str(TOOLS / "bun-cache"),
        "BUN_RUNTIME_TRANSPILER_CACHE_PATH": str(TOOLS / "bun-transpiler-cache"),
        "PYTHONUNBUFFERED": "1",
    })
    registry = npm_registry()
    if registry:
        env["NPM_CONFIG_REGISTRY"] = registry
    return env
