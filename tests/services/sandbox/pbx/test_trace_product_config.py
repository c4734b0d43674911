"""What the real Asterisk 22 said when it ran the product's own configuration (trace 17, issue 11)."""
import asyncio

from panoramisk import Manager

from services.sandbox.pbx import PbxControl, VirtualClock, demo_tenant


async def login(port: int) -> Manager:
    manager = Manager(loop=asyncio.get_running_loop(), host="127.0.0.1", port=port, username="amiuser",
                      secret="amipass", ping_delay=0, reconnect_timeout=0)
    await manager.connect()
    await asyncio.wait_for(manager.authenticated_future, 5)
    return manager


async def ask(manager: Manager, **fields):
    return await asyncio.wait_for(manager.send_action(fields, as_list=False), 5)


async def test_static_members_are_not_dynamic_and_unknown_queues_do_not_exist(pbx, ami):
    removed = await ask(ami, Action="QueueRemove", Queue="sales", Interface="PJSIP/2001")
    assert (removed.response, removed.message) == ("Error", "Member not dynamic")
    added = await ask(ami, Action="QueueAdd", Queue="sales-campaign-7", Interface="PJSIP/2001")
    assert (added.response, added.message) == ("Error", "Unable to add interface to queue: No such queue")
    gone = await ask(ami, Action="QueueRemove", Queue="sales-campaign-7", Interface="PJSIP/2001")
    assert gone.message == "Unable to remove interface from queue: No such queue"


async def test_queues_come_from_the_include_and_a_reload(tmp_path):
    include = tmp_path / "asterisk" / "queues.d" / "demo.conf"
    include.parent.mkdir(parents=True)
    include.write_text("[queue-template](!)\nstrategy = rrmemory\n\n[demo-sales](queue-template)\n")
    control = await PbxControl.start(recordings=tmp_path / "rec", clock=VirtualClock(), tenants=[demo_tenant()],
                                     config_dir=tmp_path / "asterisk")
    manager = await login(control.port)
    try:
        assert control.pbx.queues.by_name["demo-sales"].members == []      # no static member left
        added = await ask(manager, Action="QueueAdd", Queue="demo-sales", Interface="PJSIP/demo-2001")
        assert added.message == "Added interface to queue"
        refused = await ask(manager, Action="QueueAdd", Queue="demo-campaign-3", Interface="PJSIP/demo-2001")
        assert refused.message == "Unable to add interface to queue: No such queue"

        include.write_text("[demo-sales](queue-template)\n\n[demo-campaign-3](queue-template)\n")
        reloaded = await ask(manager, Action="Command", Command="queue reload all")
        assert reloaded.response == "Success"
        added = await ask(manager, Action="QueueAdd", Queue="demo-campaign-3", Interface="PJSIP/demo-2001")
        assert added.message == "Added interface to queue"
        assert [m.interface for m in control.pbx.queues.by_name["demo-sales"].members] == ["PJSIP/demo-2001"]
    finally:
        manager.close()
        await control.close()
