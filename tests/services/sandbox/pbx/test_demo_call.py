"""`make demo-call`: an agent of the demo on the line with a simulated customer, over AMI."""
import asyncio
import sys

import pytest

from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.demo_call import CUSTOMER
from services.sandbox.pbx.tenants import demo_tenant
from tests.support.ports import free_port


@pytest.fixture
async def demo_pbx(tmp_path):
    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     tenants=[demo_tenant("demo")], auth_failure_delay=0.05)
    yield control
    await control.close()


async def run_demo_call(*args: str):
    run = await asyncio.create_subprocess_exec(sys.executable, "-m", "services.sandbox.pbx.demo_call", *args,
                                               stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await run.communicate()
    return run.returncode, out.decode(), err.decode()


async def test_the_agent_is_called_then_the_customer(demo_pbx):
    demo_pbx.register_phone("demo-2001")
    bridged = asyncio.ensure_future(demo_pbx.wait_for("BridgeEnter", timeout=20, CallerIDNum=CUSTOMER))
    code, out, _ = await run_demo_call("2001", "--port", str(demo_pbx.port))
    assert code == 0 and f"Calling {CUSTOMER} from demo-2001" in out
    await bridged                                                       # the customer is on the line


async def test_no_pbx_is_said_plainly():
    code, _, err = await run_demo_call("--port", str(free_port()))
    assert code == 1 and "is `make run` running?" in err
