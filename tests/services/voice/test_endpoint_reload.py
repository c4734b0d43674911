"""UC-RH-01/02 on the PBX: an enrolled agent's endpoint exists after the res_pjsip reload the
product sends, and is gone after unenrolment — the simulator reads the generated includes."""
import asyncio
import contextlib

import pytest
from panoramisk import Manager

from services.db.tenancy import tenant_session
from services.models.platform import Role
from services.models.voice import AgentProfile
from services.sandbox.pbx import PbxControl, VirtualClock
from services.voice.agents import enroll_agent, unenroll_agent
from services.voice.asterisk_config import write_all
from services.voice.sip import unseal_secret
from tests.support.accounts import context_for, new_tenant
from tests.support.waiting import until
from services.voice.licences import grant_licences


def _sip_secret(ctx, user_id: int) -> str:
    """The secret the agent's softphone uses (the one emailed at enrolment)."""
    with tenant_session(ctx) as session:
        return unseal_secret(session.get(AgentProfile, user_id).sip_secret_sealed)


async def _reload(port: int) -> None:
    manager = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=port,
                      username="amiuser", secret="amipass", ping_delay=0, reconnect_timeout=0)
    await manager.connect()
    try:
        reply = await manager.send_action({"Action": "Command",
                                           "Command": "module reload res_pjsip.so"},
                                          as_list=False)
        assert reply.Response == "Success"
    finally:
        manager.close()


@pytest.mark.simulator      # starts its own simulator whatever the environment says
async def test_enrolled_endpoint_appears_on_reload_and_goes_after_unenrolment(tmp_path):
    tenant = new_tenant()
    grant_licences(tenant.id, 2)
    admin = context_for(tenant, Role.ADMIN)
    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     auth_failure_delay=0.05, config_dir=tmp_path / "asterisk")
    try:
        name = f"{tenant.slug}-2001"
        assert control.pbx.endpoints.get(name) is None

        agent = await asyncio.to_thread(enroll_agent, admin, "Fotso", "Hélène", "hf",
                                        f"hf-{tenant.slug}@example-corp.cm")
        await asyncio.to_thread(write_all, tmp_path / "asterisk", tenant.slug)
        await _reload(control.port)
        endpoint = control.pbx.endpoints.get(name)
        assert endpoint.context == f"t-{tenant.slug}-agents"
        assert endpoint.display_name == "Hélène Fotso"
        assert control.pbx.endpoints.register(name, _sip_secret(admin, agent.user_id))
        assert not control.pbx.endpoints.register(name, "wrong-secret")

        await asyncio.to_thread(unenroll_agent, admin, agent.user_id)
        await asyncio.to_thread(write_all, tmp_path / "asterisk", tenant.slug)
        await _reload(control.port)
        assert control.pbx.endpoints.get(name) is None
    finally:
        await control.close()


@pytest.fixture
def bridged(tmp_path, monkeypatch):
    """The simulator reading the generated includes, and a pbx bridge that writes them (its own
    command stream), as on the Asterisk host."""
    import uuid

    from services.voice.bridge import Bridge
    from services.voice.gateway import PbxConfig

    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    monkeypatch.setenv("BGC_ASTERISK_CONFIG_DIR", str(tmp_path / "asterisk"))

    @contextlib.asynccontextmanager
    async def start():
        control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                         auth_failure_delay=0.05, config_dir=tmp_path / "asterisk")
        bridge = Bridge(PbxConfig("127.0.0.1", control.port, "amiuser", "amipass"))
        task = asyncio.ensure_future(bridge.run())
        try:
            await asyncio.wait_for(bridge.gateway.ready.wait(), 10)
            yield control
        finally:
            bridge.stop()
            await task
            await control.close()
    return start


@pytest.mark.simulator      # starts its own simulator whatever the environment says
async def test_unenrolment_kills_the_sip_access_even_when_a_queue_refuses(tmp_path, bridged):
    """Issue 11 defect 1: on a real Asterisk, QueueRemove of a static member answers « Member not
    dynamic »; the disable command stopped there and the old secret still registered."""
    from services.voice.commands import pbx_command

    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    agent = await asyncio.to_thread(enroll_agent, admin, "Fotso", "Hélène", "hf", f"hf-{tenant.slug}@example-corp.cm")
    name = f"{tenant.slug}-2001"
    write_all(tmp_path / "asterisk", tenant.slug)
    legacy = tmp_path / "asterisk" / "queues.d" / "zz-legacy.conf"        # a hand-written static member
    legacy.write_text(f"[{tenant.slug}-legacy]\nmember => PJSIP/{name}\n")
    async with bridged() as control:
        await asyncio.to_thread(pbx_command, "endpoints_changed", tenant_slug=tenant.slug)
        secret = _sip_secret(admin, agent.user_id)
        assert control.pbx.endpoints.register(name, secret)
        assert [m.name for m in control.pbx.queues.by_name[f"{tenant.slug}-sales"].members] == ["Hélène Fotso"]

        gone = asyncio.ensure_future(control.wait_for("QueueMemberRemoved", timeout=10, Interface=f"PJSIP/{name}"))
        await asyncio.to_thread(unenroll_agent, admin, agent.user_id)
        await gone                                           # out of the sales queue (dynamic member)
        await until(lambda: control.pbx.endpoints.get(name) is None, timeout=10)
        assert not control.pbx.endpoints.register(name, secret)


@pytest.mark.simulator      # starts its own simulator whatever the environment says
async def test_a_new_tenants_first_agent_can_be_called_once_enrolled(bridged):
    """Seen on Asterisk 22.10.1: the first enrolment of a tenant writes its contexts, but the bridge reloaded
    only res_pjsip and app_queue, so every Originate into them answered « Extension does not exist. » until
    some other change reloaded the dialplan. The simulator now knows a tenant's contexts from its include
    only after `dialplan reload`, as Asterisk does."""
    from services.voice.commands import pbx_command
    from services.voice.demo_call import demo_call

    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    async with bridged() as control:
        agent = await asyncio.to_thread(enroll_agent, admin, "Fotso", "Hélène", "hf", f"hf-{tenant.slug}@example-corp.cm")
        await asyncio.to_thread(pbx_command, "endpoints_changed", tenant_slug=tenant.slug)   # done when it returns
        assert control.register_phone(f"{tenant.slug}-2001")

        answered = asyncio.ensure_future(control.wait_for("DialEnd", timeout=10, DialStatus="ANSWER"))
        await asyncio.to_thread(demo_call, agent.extension, tenant=tenant.slug)
        await answered                                   # the agent-first flow of the new tenant ran
