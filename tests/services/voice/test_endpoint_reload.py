"""UC-RH-01/02 on the PBX: an enrolled agent's endpoint exists after the res_pjsip reload the
product sends, and is gone after unenrolment — the simulator reads the generated includes."""
import asyncio

from panoramisk import Manager

from services.db.tenancy import tenant_session
from services.models.platform import Role
from services.models.voice import AgentProfile
from services.sandbox.pbx import PbxControl, VirtualClock
from services.voice.agents import enroll_agent, unenroll_agent
from services.voice.asterisk_config import write_all
from services.voice.sip import unseal_secret
from tests.support.accounts import context_for, new_tenant
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
