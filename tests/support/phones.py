"""The other side of a real Asterisk for the voice tests: SIPp phones and carrier, and an AMI watcher.

Against the simulator the tests drive phones through `PbxControl` (services/sandbox/pbx/control.py). Given a
real Asterisk (tests/support/pbx.py: BGC_TEST_PBX_HOST …), `RealPbxSide` plays the same part with the means a
real PBX has: each agent or supervisor phone is a SIPp process that registers with the secret of the tenant's
generated include (`<config dir>/pjsip.d/<slug>.conf`) and answers, rings on or declines Asterisk's calls
(scenarios in tests/support/sipp/); the carrier is a SIPp UAS on the trunk's contact port; and the events the
tests wait for come from a second AMI user (`BGC_TEST_AMI_WATCH_USER`), so the bridge keeps its own login.

Process: `start()` logs the watcher in and starts the carrier; `register_phone` / `set_phone` (re)start a
phone's SIPp and return once Asterisk sees its contact; `close()` stops every SIPp process it started.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from services.voice.gateway import PbxConfig, PbxError, PbxGateway
from tests.support.pbx import PbxTarget
from tests.support.ports import free_port

SCENARIOS = Path(__file__).parent / "sipp"
MODES = {"answer": "agent_answer.xml", "manual": "phone_ring.xml", "ignore": "phone_ring.xml",
         "reject": "phone_reject.xml"}


def sip_secret(config_dir: Path, endpoint: str) -> str:
    """The endpoint's SIP secret, as the generator wrote it into the tenant's include."""
    slug = endpoint.rsplit("-", 1)[0]
    text = (config_dir / "pjsip.d" / f"{slug}.conf").read_text()
    found = re.search(rf"^\[{re.escape(endpoint)}\]\(agent-auth\)\n(?:.*\n)*?password = (.*)$", text, re.M)
    if not found:
        raise LookupError(f"{endpoint} is not in {slug}'s pjsip include")
    return found.group(1).strip()


class RealPbxSide:
    def __init__(self, target: PbxTarget, config_dir: Path, sip_port: int, carrier_port: int) -> None:
        self.target, self.config_dir = target, config_dir
        self.sip_port, self.carrier_port = sip_port, carrier_port
        self.phones: dict[str, subprocess.Popen] = {}
        self.carrier: subprocess.Popen | None = None
        self.watcher: PbxGateway | None = None
        self._listeners: list = []

    @classmethod
    def from_environment(cls, target: PbxTarget) -> "RealPbxSide":
        return cls(target, Path(os.environ["BGC_TEST_ASTERISK_CONFIG_DIR"]),
                   int(os.environ.get("BGC_TEST_SIP_PORT", "5060")),
                   int(os.environ.get("BGC_TEST_CARRIER_PORT", "5080")))

    async def start(self) -> "RealPbxSide":
        config = PbxConfig(self.target.host, self.target.port, os.environ.get("BGC_TEST_AMI_WATCH_USER", "bgcwatch"),
                           os.environ["BGC_TEST_AMI_WATCH_SECRET"])
        self.watcher = PbxGateway(config, None, backoff=(0.05, 0.5), timeout=10)
        self.watcher.on_raw(self._event)
        await self.watcher.start(wait=10)
        self.carrier = self._sipp("-sn", "uas", "-p", str(self.carrier_port))
        return self

    def _sipp(self, *args: str) -> subprocess.Popen:
        sipp = shutil.which("sipp")
        if sipp is None:
            raise RuntimeError("SIPp is needed against a real Asterisk (apt-get install sip-tester)")
        return subprocess.Popen([sipp, *args, "-i", "127.0.0.1", "-nostdin"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    # ---- events ------------------------------------------------------------------------------------
    def _event(self, message) -> None:
        for listener in list(self._listeners):
            listener(dict(message))

    async def wait_for(self, event: str, timeout: float = 5.0, **match: str) -> dict:
        """The next event named `event` whose fields equal `match` (subscribed when called, as the simulator's)."""
        future = asyncio.get_running_loop().create_future()

        def listener(message: dict) -> None:
            if message.get("Event") == event and all(message.get(k) == v for k, v in match.items()):
                if not future.done():
                    future.set_result(message)

        self._listeners.append(listener)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._listeners.remove(listener)

    async def channels_of(self, endpoint: str) -> list[dict]:
        """The live channels of an endpoint (CoreShowChannels), each with Channel, Uniqueid, ChannelState."""
        try:
            listed = await self.watcher.listing("CoreShowChannels", "CoreShowChannel")
        except PbxError as error:
            if "No" not in str(error):
                raise
            listed = []
        return [dict(c) for c in listed if str(c.get("Channel", "")).startswith(f"PJSIP/{endpoint}-")]

    async def command(self, line: str):
        return await self.watcher.action("Command", as_list=False, Command=line)

    # ---- phones ------------------------------------------------------------------------------------
    async def register_phone(self, endpoint: str, mode: str = "answer", media: bool = False,
                             ring_seconds: float = 1.0) -> None:
        """A SIPp phone registers as `endpoint` and handles Asterisk's calls as `mode` says (`answer`: after
        ringing `ring_seconds`); returns once Asterisk has the contact (PJSIPShowContacts). These phones send
        no RTP (`media` must be False)."""
        if media:
            raise ValueError("the SIPp phones send no RTP")
        self.unregister_phone(endpoint)
        secret, port = sip_secret(self.config_dir, endpoint), free_port()
        self.phones[endpoint] = self._sipp(
            f"{self.target.host}:{self.sip_port}", "-sf", str(SCENARIOS / "agent_register.xml"),
            "-oocsf", str(SCENARIOS / MODES[mode]), "-s", endpoint, "-au", endpoint, "-ap", secret,
            "-m", "1", "-p", str(port), "-d", str(int(ring_seconds * 1000)))
        await self._until_contact(endpoint, f":{port}")

    async def set_phone(self, endpoint: str, mode: str = "answer", media: bool = False,
                        ring_seconds: float = 1.0) -> None:
        await self.register_phone(endpoint, mode, media, ring_seconds)

    def unregister_phone(self, endpoint: str) -> None:
        process = self.phones.pop(endpoint, None)
        if process is not None:
            _stop(process)

    async def _until_contact(self, endpoint: str, port: str, timeout: float = 20.0) -> None:
        async def poll():
            while True:
                try:
                    contacts = await self.watcher.listing("PJSIPShowContacts", "ContactList")
                except PbxError as error:           # « No Contacts found »: none yet
                    if "No Contacts" not in str(error):
                        raise
                    contacts = []
                if any(c.get("Endpoint") == endpoint and port in str(c.get("Uri", "")) and c.get("Status") == "Reachable"
                       for c in contacts):
                    return
                await asyncio.sleep(0.1)    # Asterisk gives no event we could subscribe to before SIPp starts
        await asyncio.wait_for(poll(), timeout)

    async def close(self) -> None:
        for endpoint in list(self.phones):
            self.unregister_phone(endpoint)
        if self.carrier is not None:
            _stop(self.carrier)
        if self.watcher is not None:
            self.watcher.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


class SimulatorSide:
    """The same interface over the simulator's control side (services/sandbox/pbx/control.py)."""

    def __init__(self, control) -> None:
        self.control = control

    async def wait_for(self, event: str, timeout: float = 5.0, **match: str) -> dict:
        return dict(await self.control.wait_for(event, timeout, **match))

    async def register_phone(self, endpoint: str, mode: str = "answer", media: bool = False,
                             ring_seconds: float = 1.0) -> None:
        """As a SIPp phone by default: no RTP (`media=True`: a softphone that sends it, as in the traces)."""
        assert self.control.register_phone(endpoint)
        self.control.set_phone(endpoint, mode, ring_seconds, media=media)

    async def set_phone(self, endpoint: str, mode: str = "answer", media: bool = False,
                        ring_seconds: float = 1.0) -> None:
        self.control.set_phone(endpoint, mode, ring_seconds, media=media)

    async def channels_of(self, endpoint: str) -> list[dict]:
        return [{"Channel": c.name, "Uniqueid": c.uniqueid, "ChannelState": str(c.state)}
                for c in self.control.pbx.channels_of(endpoint)]

    async def close(self) -> None:
        await self.control.close()
