"""`make run` when its port is taken (another `make run`, another program): one clear line, no traceback."""
import os
import socket
import subprocess
import sys

from services.settings import REPO_ROOT


def test_a_taken_port_is_said_plainly(tmp_path, demo_data):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "BGC_WEB_PORT": str(port), "BGC_DATA_DIR": str(tmp_path)}
        run = subprocess.run([sys.executable, "-m", "services.stack.run"], cwd=REPO_ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert f"B-GOTOCALL OS could not start: Port {port} is already in use" in run.stderr
    assert "Traceback" not in run.stderr
