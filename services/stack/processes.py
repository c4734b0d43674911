"""Start the product's processes, wait until they answer, stop them all together."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from services.settings import REPO_ROOT, get_settings

OBSERVER = "observer:observerpass"   # a second AMI user of the simulator (one login per user)
BULK_QUEUES = ("messaging",)
CONTROL_QUEUES = ("billing", "email", "imports", "reports")


class StackError(RuntimeError):
    pass


@dataclass
class Ports:
    web: int
    sandbox: int
    pbx: int = field(default_factory=lambda: get_settings().pbx_port)
    smtp: int = field(default_factory=lambda: get_settings().smtp_sink_port)
    sip_ws: int = field(default_factory=lambda: get_settings().sip_ws_port)


@dataclass
class Stack:
    env: dict[str, str]
    ports: Ports
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def commands(self) -> dict[str, list[str]]:
        py = sys.executable
        return {
            "sandbox": [py, "-m", "services.sandbox.server", "--port", str(self.ports.sandbox),
                        "--smtp-port", str(self.ports.smtp)],
            # bulk sending has workers of its own: a payment's provisioning, an invoice, an import
            # or a report never waits behind a campaign's sending runs
            "workers": [py, "-m", "dramatiq", "services.workers", "--processes", "1",
                        "--threads", "4", "--queues", *CONTROL_QUEUES],
            "senders": [py, "-m", "dramatiq", "services.workers", "--processes", "1",
                        "--threads", "4", "--queues", *BULK_QUEUES],
            "scheduler": [py, "-m", "services.scheduler", "--ready-file",
                          str(self.log_dir / "scheduler.ready")],
            "web": [py, "-m", "bgotocall.launch", "run", "--env", "prod", "--single-port",
                    "--frontend-port", str(self.ports.web),
                    "--backend-port", str(self.ports.web), "--loglevel", "warning"],
            "pbx": [py, "-m", "services.sandbox.pbx", "--port", str(self.ports.pbx), "--tenant", "demo",
                    "--registered", "--recordings", str(self.log_dir.parent / "recordings"),
                    "--extra-user", OBSERVER,        # tests watch the PBX beside the bridge's own login
                    "--config-dir", self.env["BGC_ASTERISK_CONFIG_DIR"],
                    "--sip-ws-port", str(self.ports.sip_ws)],       # the agent panel's phone
            "pbx-bridge": [py, "-m", "services.voice.bridge", "--port", str(self.ports.pbx)],
        }

    def start(self, timeout: float = 600) -> None:
        for port in (self.ports.web, self.ports.sandbox, self.ports.pbx, self.ports.smtp, self.ports.sip_ws):
            if port_in_use(port):
                raise StackError(f"Port {port} is already in use: stop what runs there or choose other "
                                 "ports (BGC_WEB_PORT, BGC_SANDBOX_PORT, BGC_SMTP_PORT, BGC_SIP_WS_PORT).")
        # the browser's phone registers to the simulator, over plain ws:// (Asterisk: wss://, BGC_WEBRTC_URL)
        self.env.setdefault("BGC_WEBRTC_URL", f"ws://127.0.0.1:{self.ports.sip_ws}/ws")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        (self.log_dir / "scheduler.ready").unlink(missing_ok=True)
        for name, cmd in self.commands().items():
            log = (self.log_dir / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                cmd, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self.wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        urls = {"sandbox": f"http://127.0.0.1:{self.ports.sandbox}/health",
                "web": f"http://127.0.0.1:{self.ports.web}/api/health",
                "pages": f"http://127.0.0.1:{self.ports.web}/connexion"}
        for name, url in urls.items():
            while not answers(url):
                self.raise_if_exited()
                if time.monotonic() > deadline:
                    raise StackError(f"{name} did not answer at {url} in {timeout:.0f} s; "
                                     f"see {self.log_dir}")
                time.sleep(0.25)  # polling a process we started; not a test
        while not (self.log_dir / "scheduler.ready").exists():  # the scheduler's loop runs
            self.raise_if_exited()
            if time.monotonic() > deadline:
                raise StackError(f"scheduler did not start in {timeout:.0f} s; see {self.log_dir}")
            time.sleep(0.25)
        from services.voice.bridge import bridge_ready
        for name, ready in {"pbx": lambda: port_in_use(self.ports.pbx), "pbx-bridge": lambda: bridge_ready(self.ports.pbx)}.items():
            while not ready():
                self.raise_if_exited()
                if time.monotonic() > deadline:
                    raise StackError(f"{name} not ready in {timeout:.0f} s; see {self.log_dir}")
                time.sleep(0.1)  # polling a process we started; not a test

    def raise_if_exited(self) -> None:
        for name, proc in self.processes.items():
            if proc.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise StackError(f"process {name} exited with {proc.returncode}:\n{tail}")

    def stop(self, grace: float = 15) -> None:
        for proc in self.processes.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        self.processes.clear()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
