"""`make demo-call`: an agent of the demo on the line with a simulated customer, through the bridge."""
import asyncio
import os
import sys
import uuid

import pytest

from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.tenants import demo_tenant
from services.voice.bridge import Bridge
from services.voice.demo_call import CUSTOMER
from services.voice.gateway import PbxConfig


@pytest.fixture
async def demo_pbx(tmp_path, monkeypatch):
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     tenants=[demo_tenant("demo")], auth_failure_delay=0.05)
    yield control
    await control.close()


async def run_demo_call(*args: str):
    run = await asyncio.create_subprocess_exec(sys.executable, "-m", "services.voice.demo_call", *args,
                                               stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                               env=dict(os.environ))
    out, err = await run.communicate()
    return run.returncode, out.decode(), err.decode()


async def test_the_agent_is_called_then_the_customer_while_the_bridge_holds_the_ami_login(demo_pbx):
    """Issue 11 defect 6: the PBX allows one login per AMI user, and the bridge holds it."""
    bridge = Bridge(PbxConfig("127.0.0.1", demo_pbx.port, "amiuser", "amipass"))
    task = asyncio.ensure_future(bridge.run())
    try:
        await asyncio.wait_for(bridge.gateway.ready.wait(), 10)
        demo_pbx.register_phone("demo-2001")
        bridged = asyncio.ensure_future(demo_pbx.wait_for("BridgeEnter", timeout=20, CallerIDNum=CUSTOMER))
        code, out, err = await run_demo_call("2001")
        assert code == 0 and f"Calling {CUSTOMER} from demo-2001" in out, err
        await bridged                                                   # the customer is on the line
        assert bridge.gateway.logins == 1                               # nobody took the bridge's place
    finally:
        bridge.stop()
        await task


async def test_no_bridge_is_said_plainly(demo_pbx):
    code, _, err = await run_demo_call("--wait", "1")
    assert code == 1 and "is `make run` running?" in err
