"""QueueChangePriorityCaller as app_queue answers it (manager_change_priority_caller_on_queue)."""
import asyncio


async def test_changing_a_callers_priority_answers_as_app_queue(pbx, ami):
    async def act(**fields):
        return await asyncio.wait_for(ami.send_action({"Action": "QueueChangePriorityCaller", **fields}), 5)
    assert (await act(Caller="PJSIP/x", Priority="10")).message == "'Queue' not specified."
    assert (await act(Queue="sales", Caller="PJSIP/x", Priority="ten")).message == "'Priority' need integer."
    assert (await act(Queue="nosuchqueue", Caller="PJSIP/x", Priority="10")).message == \
        "Unable to change priority caller on queue: No such queue"
    assert (await act(Queue="sales", Caller="PJSIP/nobody-00000001", Priority="10", Immediate="yes")).message == \
        "Unable to change priority caller on queue: No such caller"
