import asyncio

import pytest

from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.tenants import demo_tenant, lab_tenant
from services.voice.gateway import PbxConfig, PbxGateway
from tests.support.pbx import real_pbx


def pytest_collection_modifyitems(items):
    """A test that drives phones or customers needs phones; one that uses the simulator's control side itself
    (`pbx`, `demo_pbx`) needs the simulator. `world` (test_bridge.py) gives SIPp phones on a real Asterisk
    (tests/support/phones.py); its tests that need more say `@pytest.mark.simulator`."""
    for item in items:
        own = set(getattr(getattr(item, "_fixtureinfo", None), "argnames", ()))   # the test's own arguments
        if {"pbx", "world", "demo_pbx"} & own:
            item.add_marker(pytest.mark.phones)
        if {"pbx", "demo_pbx"} & own:
            item.add_marker(pytest.mark.simulator)


class Seen:
    """Domain events received by a gateway, awaited by condition (no sleeps)."""

    def __init__(self) -> None:
        self.events: list = []
        self._changed = asyncio.Event()

    def __call__(self, event) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait(self, predicate, timeout: float = 5.0):
        async def scan():
            start = 0
            while True:
                for event in self.events[start:]:
                    if predicate(event):
                        return event
                start = len(self.events)
                self._changed.clear()
                await self._changed.wait()
        return await asyncio.wait_for(scan(), timeout)


@pytest.fixture
async def pbx(tmp_path):
    if real_pbx():      # the tests that drive the simulator itself are marked `phones` (deselect them)
        yield None
        return
    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     tenants=[lab_tenant(), demo_tenant("demo")], auth_failure_delay=0.05)
    yield control
    await control.close()


@pytest.fixture
def pbx_config(pbx):
    """The AMI address of the PBX under test: a real Asterisk from the environment, else the simulator."""
    target = real_pbx()
    if target:
        return PbxConfig(target.host, target.port, target.user, target.secret)
    return PbxConfig("127.0.0.1", pbx.port, "amiuser", "amipass")


@pytest.fixture
async def gateway(pbx_config):
    seen = Seen()
    gw = PbxGateway(pbx_config, seen, backoff=(0.05, 0.5), timeout=5)
    gw.seen = seen
    await gw.start(wait=5)
    yield gw
    gw.close()
