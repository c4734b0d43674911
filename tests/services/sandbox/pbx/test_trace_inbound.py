"""Traces 08, 09, 09b, 14: inbound calls through the IVR into the queue, or out of hours."""
import asyncio

from .scenarios import events_of
from .traces import assert_matches

DID, SHORT_DID = "+15550009000", "+15550009001"


async def answered_queue_call(pbx, ami, caller: str) -> None:
    channel = pbx.inbound_call(DID, caller, "Jane Customer", digits="1")
    await ami.recorder.wait("AgentConnect", Channel=channel)
    pbx.customer_hangup(channel)
    await ami.recorder.wait("AgentComplete", Channel=channel)
    await ami.recorder.wait("QueueMemberStatus", Status="1", Interface="PJSIP/2001")


async def test_08_ivr_then_queue_answered(pbx, ami):
    pbx.register_phone("2002")
    ami.recorder.clear()
    await answered_queue_call(pbx, ami, "+15551230001")
    assert_matches("08-inbound-ivr-queue-answered.txt", events_of(ami.recorder), only=("chan:", "bridge"))


async def test_09_queue_timeout_counts_as_abandon(pbx, ami):
    pbx.register_phone("2002")
    await answered_queue_call(pbx, ami, "+15551230001")   # rrmemory: the next call rings 2002 first
    pbx.set_phone("2001", "ignore")
    pbx.set_phone("2002", "ignore")
    ami.recorder.clear()
    channel = pbx.inbound_call(SHORT_DID, "+15551230002", "John Customer", digits="1")
    await ami.recorder.wait("Hangup", Channel=channel)
    assert_matches("09-inbound-queue-timeout.txt", events_of(ami.recorder), only=("chan:",))
    status = await ami.send_action({"Action": "QueueStatus", "Queue": "sales"})
    assert status[1]["Abandoned"] == "1" and status[1]["Completed"] == "1"


async def test_09b_vip_joins_ahead_then_both_abandon(pbx, ami):
    pbx.register_phone("2002")
    await answered_queue_call(pbx, ami, "+15551230001")
    pbx.set_phone("2001", "ignore")
    pbx.set_phone("2002", "ignore")
    ami.recorder.clear()
    first = pbx.inbound_call(DID, "+15551230003", "Mary Customer", digits="1")
    await ami.recorder.wait("QueueCallerJoin", Channel=first)
    # react in-process, within the 2 s retry pause, as the trace's caller did
    no_answer = asyncio.ensure_future(pbx.wait_for("AgentRingNoAnswer", Channel=first, timeout=20))
    second = pbx.inbound_call(DID, "+15551230004", "Victor VIP", digits="2")
    joined = await ami.recorder.wait("QueueCallerJoin", Channel=second)
    assert (joined["Position"], joined["Count"]) == ("1", "2")
    await ami.recorder.wait("DialState", Channel=second)
    pbx.customer_hangup(second)
    await ami.recorder.wait("Hangup", Channel=second)
    await no_answer
    pbx.customer_hangup(first)
    await ami.recorder.wait("Hangup", Channel=first)
    assert_matches("09b-inbound-queue-vip-abandon.txt", events_of(ami.recorder), only=("chan:PJSIP/carrier",))


async def test_14_out_of_hours(pbx, ami):
    await ami.send_action({"Action": "Setvar", "Variable": "BUSINESS_HOURS", "Value": "09:00-10:00"})
    pbx.pbx.clock._now = 1795678085.0  # 07:28 UTC, as in the trace
    channel = pbx.inbound_call(DID, "+15551230005", "Late Caller")
    await ami.recorder.wait("Hangup", Channel=channel)
    assert_matches("14-inbound-out-of-hours.txt", events_of(ami.recorder), only=("chan:",))
