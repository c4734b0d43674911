"""After its login the pbx bridge brings the PBX's includes up to date with the database."""
import asyncio
import uuid

import pytest

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.models.platform import Role
from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.events import field
from services.voice.agents import enroll_agent
from services.voice.asterisk_config import write_all
from services.voice.bridge import Bridge
from services.voice.gateway import PbxConfig
from services.voice.licences import grant_licences
from services.voice.sip import campaign_queue
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import fund, launchable_config, ready_list


@pytest.mark.simulator      # starts its own simulator whatever the environment says
async def test_a_campaign_launched_before_the_bridge_first_started_gets_its_queue(tmp_path, monkeypatch):
    """Seen on the first `make run`: the demo's LIVE campaign is launched with the demo data, before the
    bridge exists. Its « queues changed » command went to a stream that had no consumer group yet, so the
    bridge never ran it: the PBX never had the campaign's queue and its agents never joined one."""
    config_dir = tmp_path / "asterisk"
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    monkeypatch.setenv("BGC_ASTERISK_CONFIG_DIR", str(config_dir))
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    agent = enroll_agent(context_for(tenant, Role.ADMIN), "Fotso", "Hélène", "hf", f"hf-{tenant.slug}@example-corp.cm")
    write_all(config_dir, tenant.slug)                       # the deploy step, before the PBX starts
    supervisor = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    config = launchable_config(ready_list(supervisor), agent.user_id)
    queue = campaign_queue(tenant.slug, launch_campaign(supervisor, create_campaign(supervisor, config).id).id)

    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     auth_failure_delay=0.05, config_dir=config_dir)
    assert queue not in control.pbx.queues.by_name
    joined = asyncio.ensure_future(control.wait_for("QueueMemberAdded", timeout=10, Queue=queue))
    bridge = Bridge(PbxConfig("127.0.0.1", control.port, "amiuser", "amipass"))
    task = asyncio.ensure_future(bridge.run())
    try:
        assert field(await joined, "Interface") == f"PJSIP/{tenant.slug}-2001"
        assert [m.interface for m in control.pbx.queues.by_name[queue].members] == [f"PJSIP/{tenant.slug}-2001"]
    finally:
        bridge.stop()
        await task
        await control.close()
