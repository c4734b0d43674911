"""The stack's environment really selects Reflex's Redis state manager and the web workers."""
import subprocess
import sys

from services.settings import REPO_ROOT, get_settings
from services.stack.environment import redis_major_version, stack_environment

PROBE = ("from reflex.istate.manager import StateManager; "
         "import os; m = StateManager.create(); print(type(m).__name__, m._oplock_enabled, os.environ['GRANIAN_WORKERS'])")


def test_the_web_process_gets_the_redis_state_manager_and_the_chosen_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("BGC_WEB_WORKERS", "3")
    s = get_settings()
    env = stack_environment(tmp_path, s.database_url, s.redis_url)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    oplock = str(redis_major_version(s.redis_url) >= 7)    # Reflex's lease needs Redis 7
    assert out.stdout.split() == ["StateManagerRedis", oplock, "3"]
