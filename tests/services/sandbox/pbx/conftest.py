import asyncio

import pytest
from panoramisk import Manager

from services.sandbox.pbx import PbxControl, VirtualClock

from .traces import Recorder


@pytest.fixture
async def pbx(tmp_path):
    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     auth_failure_delay=0.05)
    yield control
    await control.close()


@pytest.fixture
async def ami(pbx):
    manager = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=pbx.port, username="amiuser",
                      secret="amipass", ping_delay=0, reconnect_timeout=0)
    manager.recorder = Recorder(manager)
    await manager.connect()
    await asyncio.wait_for(manager.authenticated_future or asyncio.sleep(0), 5)
    await manager.recorder.wait("FullyBooted")
    yield manager
    manager.close()
