"""The panel's control of an agent's call on a desk or mobile SIP phone (UC-VO-01/02): hang up, transfer.

The browser phone (bgotocall/pages/softphone.py) does both itself in SIP; a desk phone's call is driven
over AMI by the pbx bridge: « Raccrocher » hangs up the channels of the agent's own phone, « Transférer »
sends the party bridged to it (AMI BlindTransfer) to a colleague's extension or to the tenant's general
queue in the tenant's agents context, where the browser phone's REFER lands too. Only the signed-in agent's
own phone, and only targets of their own tenant (services/voice/phone_setup.transfer_targets).
"""
from __future__ import annotations

from services.identity.access import AuthContext, access_area
from services.voice.availability import my_endpoint
from services.voice.commands import pbx_command
from services.voice.phone_setup import transfer_targets
from services.voice.sip import tenant_context


def hang_up(ctx: AuthContext) -> None:
    access_area(ctx, "agent_panel")
    pbx_command("agent_hangup", endpoint=my_endpoint(ctx))


def transfer(ctx: AuthContext, target: str) -> None:
    """`target`: a colleague's extension or the general queue, as `transfer_targets` lists them
    (LookupError otherwise, or without a phone)."""
    access_area(ctx, "agent_panel")
    endpoint = my_endpoint(ctx)
    if target not in {extension for extension, _ in transfer_targets(ctx)}:
        raise LookupError("Destination de transfert inconnue.")
    pbx_command("agent_transfer", endpoint=endpoint, context=tenant_context(ctx.tenant_slug, "agents"), exten=target)
