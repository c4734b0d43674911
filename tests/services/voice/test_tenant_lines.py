"""Paramètres -> PBX: the tenant's DIDs and SIP trunk are written into its Asterisk includes and the
PBX (simulator) has them after the reload the product sends; the trunk's password is sealed."""
import asyncio

import pytest
from panoramisk import Manager

from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.models.platform import Role
from services.models.settings import SipTrunk
from services.sandbox.pbx import PbxControl, VirtualClock
from services.voice.asterisk_config import write_all
from services.voice.phone_numbers import (
    caller_id_for, delete_number, list_numbers, save_number, save_trunk, sip_trunk,
)
from tests.support.accounts import context_for, new_tenant


@pytest.fixture
def admin():
    return context_for(new_tenant(), Role.ADMIN)


async def _ami(port: int, *commands: str) -> list:
    manager = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=port,
                      username="amiuser", secret="amipass", ping_delay=0, reconnect_timeout=0)
    await manager.connect()
    try:
        return [await manager.send_action({"Action": "Command", "Command": c}, as_list=False)
                for c in commands]
    finally:
        manager.close()


def test_numbers_are_validated_with_clear_messages(admin):
    errors = save_number(admin, None, "699 00 00 01", "x", [999], 999)
    assert "format international" in errors["number"]
    assert "libellé" in errors["label"]
    assert "n'existe plus" in errors["caller_id_campaigns"] and "n'existe plus" in errors["route_campaign_id"]
    assert save_number(admin, None, "+237 6 99 00 00 01", "Service client", [], None) == {}
    assert save_number(admin, None, "+237699000001", "Doublon", [], None) == {
        "number": "Ce numéro est déjà enregistré."}
    [row] = list_numbers(admin)
    assert (row.number, row.label, row.route_name) == ("+237699000001", "Service client", "Serveur vocal (IVR)")


def test_trunk_is_validated_and_its_password_sealed(admin):
    errors = save_trunk(admin, "sip operateur", "99999", "a b", "", [])
    assert set(errors) == {"host", "port", "username", "password", "codecs"}
    assert save_trunk(admin, "sip.operateur.cm", "5060", "douala01", "Tr0nk-secret", ["alaw", "opus"]) == {}
    with tenant_session(admin) as s:
        assert "Tr0nk-secret" not in s.get(SipTrunk, 1).password_sealed
    assert save_trunk(admin, "sip.operateur.cm", "5080", "douala01", "", ["alaw"]) == {}   # keeps the password
    trunk = sip_trunk(admin)
    assert (trunk.port, trunk.codecs, trunk.has_password) == (5080, ["alaw"], True)


def test_only_the_admin_sets_lines():
    supervisor = context_for(new_tenant(), Role.SUPERVISOR)
    with pytest.raises(AccessDenied):
        save_trunk(supervisor, "sip.operateur.cm", "5060", "u", "secret12", ["alaw"])
    with pytest.raises(AccessDenied):
        list_numbers(supervisor)


@pytest.mark.simulator      # starts its own simulator whatever the environment says
async def test_a_did_and_a_trunk_reach_the_include_and_the_pbx_after_reload(admin, tmp_path):
    slug, out = admin.tenant_slug, tmp_path / "asterisk"
    control = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                     auth_failure_delay=0.05, config_dir=out)
    try:
        assert await asyncio.to_thread(save_number, admin, None, "+237699000001", "Service client", [], None) == {}
        assert await asyncio.to_thread(save_trunk, admin, "sip.operateur.cm", "5060", "douala01",
                                       "Tr0nk-secret", ["alaw"]) == {}
        await asyncio.to_thread(write_all, out, slug)
        pjsip = (out / "pjsip.d" / f"{slug}.conf").read_text()
        assert f"[{slug}-trunk]\ntype = endpoint" in pjsip and "password = Tr0nk-secret" in pjsip
        assert "server_uri = sip:sip.operateur.cm:5060" in pjsip and "allow = alaw" in pjsip
        dialplan = (out / "extensions.d" / f"{slug}.conf").read_text()
        assert "[from-carrier](+)\nexten => +237699000001,1,Set(__DID_LABEL=Service client)" in dialplan
        assert control.pbx.endpoints.get(f"{slug}-trunk") is None

        await _ami(control.port, "module reload res_pjsip.so", "dialplan reload")
        trunk = control.pbx.endpoints.get(f"{slug}-trunk")
        assert trunk.is_trunk and trunk.context == f"t-{slug}-from-carrier"
        assert control.pbx.tenant_of_did("+237699000001").slug == slug
        [shown] = await _ami(control.port, "dialplan show from-carrier")
        assert "'+237699000001'" in str(shown)
        control.inbound_call("+237699000001", "+237677000000")   # delivered to the tenant's flow

        [number] = await asyncio.to_thread(list_numbers, admin)
        await asyncio.to_thread(delete_number, admin, number.id)
        await asyncio.to_thread(write_all, out, slug)
        await _ami(control.port, "dialplan reload")
        assert control.pbx.tenant_of_did("+237699000001") is None
    finally:
        await control.close()


def test_a_did_shown_by_a_campaign_is_its_caller_id_and_routes_to_it(admin):
    from services.campaigns.lifecycle import create_campaign

    campaign = create_campaign(admin, {"name": "Relance"})
    assert caller_id_for(admin, campaign.id) is None
    assert save_number(admin, None, "+237699000002", "Relances", [campaign.id], campaign.id) == {}
    assert caller_id_for(admin, campaign.id) == "+237699000002"
    [row] = list_numbers(admin)
    assert (row.caller_id_names, row.route_name) == ("Relance", "Relance")
