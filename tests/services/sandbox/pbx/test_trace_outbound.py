"""Traces 02-07b, 15, 16: outbound calls, compared stream by stream with the real Asterisk."""
import pytest

from .scenarios import agent_first, customer_first, events_of
from .traces import assert_matches


async def run_agent_first(pbx, ami, customer: str) -> tuple[dict, list]:
    responses = await ami.send_action(agent_first(customer))
    await ami.recorder.wait("UserEvent", UserEvent="CallResult")
    await ami.recorder.wait("Hangup", Channel=responses[1].channel)
    await ami.recorder.wait("QueueMemberStatus", Status="1")
    return responses[1], events_of(ami.recorder)


async def test_02_answered_then_customer_hangs_up(pbx, ami):
    ami.recorder.wait_bridge = None
    responses = await ami.send_action(agent_first("+15557654301"))
    await ami.recorder.wait("BridgeEnter", Channel=responses[1].channel)
    pbx.customer_hangup("+15557654301")
    await ami.recorder.wait("Hangup", Channel=responses[1].channel)
    await ami.recorder.wait("QueueMemberStatus", Status="1")
    assert responses[1].reason == "4"
    assert_matches("02-outbound-agent-first-answered.txt", events_of(ami.recorder))


@pytest.mark.parametrize("trace, customer", [
    ("03-outbound-busy-486.txt", "+15557654304"),
    ("05-outbound-invalid-404.txt", "+15557654305"),
    ("06-outbound-congestion-503.txt", "+15557654306"),
])
async def test_03_05_06_failed_customer_leg(pbx, ami, trace, customer):
    response, events = await run_agent_first(pbx, ami, customer)
    assert response.reason == "4"
    assert_matches(trace, events)


async def test_04_dial_timeout_is_noanswer_with_cause_0(pbx, ami):
    responses = await ami.send_action(agent_first("+15557654300", DIAL_TIMEOUT="10"))
    await ami.recorder.wait("Hangup", Channel=responses[1].channel)
    await ami.recorder.wait("QueueMemberStatus", Status="1")
    assert_matches("04-outbound-noanswer-timeout.txt", events_of(ami.recorder))


@pytest.mark.parametrize("trace, customer, status", [
    ("07-outbound-amd-human.txt", "+15557654308", "HUMAN"),
    ("07b-outbound-amd-machine.txt", "+15557654307", "MACHINE"),
])
async def test_07_customer_first_with_amd(pbx, ami, trace, customer, status):
    responses = await ami.send_action(customer_first(customer))
    assert responses[1].reason == "4"
    result = await ami.recorder.wait("UserEvent", UserEvent="AMDResult")
    assert result["Status"] == status
    if status == "HUMAN":
        await ami.recorder.wait("BridgeEnter", Channel=responses[1].channel)
        pbx.customer_hangup(customer)
    await ami.recorder.wait("Hangup", Channel=responses[1].channel)
    if status == "HUMAN":
        await ami.recorder.wait("QueueMemberStatus", Status="1")
    assert_matches(trace, events_of(ami.recorder))


@pytest.mark.parametrize("customer, timeout_ms, reason", [
    ("+15557654304", 30000, "0"), ("+15557654306", 30000, "0"), ("+15557654305", 30000, "0"),
    ("+15557654300", 8000, "3"), ("+15557654301", 30000, "4"),
])
async def test_15_customer_first_originate_reasons(pbx, ami, customer, timeout_ms, reason):
    responses = await ami.send_action(customer_first(customer, timeout_ms, Application="Wait", Data="2"))
    response = responses[1]
    assert (response.response, response.reason) == ("Success" if reason == "4" else "Failure", reason)
    if reason != "4":
        assert (response.channel, response.uniqueid) == (f"PJSIP/{customer}@carrier", "<unknown>")
    hangup = await ami.recorder.wait("Hangup")
    assert hangup["Cause"] == {"0": hangup["Cause"], "3": "19", "4": "0"}[reason]


async def test_15_whole_trace(pbx, ami):
    for customer, timeout in [("+15557654304", 30000), ("+15557654306", 30000), ("+15557654305", 30000),
                              ("+15557654300", 8000), ("+15557654301", 30000)]:
        responses = await ami.send_action(customer_first(customer, timeout, Application="Wait", Data="2"))
        if responses[1].reason == "4":
            await ami.recorder.wait("Hangup", Channel=responses[1].channel)
        await ami.recorder.wait("DeviceStateChange", Device="PJSIP/carrier", State="NOT_INUSE") \
            if responses[1].reason in ("3", "4") else None
    assert_matches("15-originate-customer-first-outcomes.txt", events_of(ami.recorder),
                   only=("chan:", "bridge"))


async def test_16_local_channel(pbx, ami):
    action = {**agent_first("+15557654301"), "Channel": "Local/2001@dial-agent"}
    responses = await ami.send_action(action)
    assert responses[1].channel.endswith(";1") and responses[1].reason == "4"
    await ami.recorder.wait("BridgeEnter", Channel=responses[1].channel)
    pbx.customer_hangup("+15557654301")
    await ami.recorder.wait("Hangup", Channel=responses[1].channel.replace(";1", ";2"))
    await ami.recorder.wait("QueueMemberStatus", Status="1")
    assert_matches("16-outbound-via-local-channel.txt", events_of(ami.recorder), only=("chan:", "bridge"))
