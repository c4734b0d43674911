"""ChanSpy: listen (q), whisper (qw) and barge (qB). On AMI the three look the same; only the
application data differs. Extensions: *221<agent> whisper, *222<agent> listen, *223<agent> barge.

ChanSpy notices that its own channel is hung up (a BYE, or AMI Hangup « Channel Hungup ») only while frames
reach that channel: with a phone that sends RTP it stops at once (traces 11); with one that sends none (the
SIPp phones of issue 11, defect 5) it stays, and its channel with it, until the spied call ends."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .channels import Channel, UP

if TYPE_CHECKING:
    from .tenants import Tenant

MODES = {"*221": "qw", "*222": "q", "*223": "qB"}
SPY_START_SECONDS = 0.1


def spy_target(exten: str) -> tuple[str, str]:
    """'*2212001' -> ('2001', 'qw')."""
    return exten[4:], MODES[exten[:4]]


def spy_fields(spyer: Channel, spyee: Channel) -> list:
    return spyer.snapshot("Spyer") + spyee.snapshot("Spyee")


def active_channel(spyer: Channel, device: str) -> Channel | None:
    return next((c for c in spyer.pbx.channels.values() if c.device == device and c.state == UP and c is not spyer),
                None)


def hears_media(spyer: Channel) -> bool:
    """Whether RTP reaches the channel running ChanSpy: its phone's, or (a Local ;2) the phone bridged to ;1."""
    channel, one = spyer, spyer.local_peer
    if one is not None:
        channel = one.bridge.peer_of(one) if one.bridge else None
    endpoint = getattr(getattr(channel, "leg", None), "endpoint", None)
    return endpoint is not None and endpoint.policy.media


async def chan_spy(spyer: Channel, tenant: "Tenant") -> None:
    agent, options = spy_target(spyer.exten)
    device = f"PJSIP/{tenant.endpoint(agent)}"
    spyer.step("ChanSpy", f"{device},{options}")
    await spyer.sleep(SPY_START_SECONDS)
    spyee = active_channel(spyer, device)
    if spyee is None:
        await spyer.sleep(3600)
        return
    spyer.pbx.bus.emit("ChanSpyStart", "call", spy_fields(spyer, spyee))
    try:
        if hears_media(spyer):
            await spyer.wait(spyee.stop.wait())
        else:       # nothing wakes ChanSpy: its own hang-up is seen when the spied call ends
            await spyee.stop.wait()
    finally:
        spyer.pbx.bus.emit("ChanSpyStop", "call", spy_fields(spyer, spyee))
    await spyer.sleep(3600)
