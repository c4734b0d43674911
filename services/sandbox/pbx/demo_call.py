"""Put an agent of the demo in a call with a simulated customer, to try « Agents en direct » and coaching.

    python -m services.sandbox.pbx.demo_call 2001            (make demo-call AGENT=2001)

Over AMI, as the dialler will: the agent's phone is called first, then the customer. The default
customer answers after 1.5 s and hangs up 45 s later (the simulator's rule on the last two digits,
services/sandbox/pbx/README.md); `--customer` picks another outcome.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses

from services.voice.gateway import PbxError, PbxGateway, pbx_config
from services.voice.sip import endpoint_name, tenant_context

CUSTOMER = "+15550001291"


async def demo_call(extension: str, customer: str = CUSTOMER, tenant: str = "demo", port: int | None = None) -> None:
    config = pbx_config() if port is None else dataclasses.replace(pbx_config(), port=port)
    gateway = await PbxGateway(config).start(wait=10)
    try:
        await gateway.originate(f"PJSIP/{endpoint_name(tenant, extension)}",
                                tenant_context(tenant, "outbound-agent-first"), customer)
    finally:
        gateway.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.sandbox.pbx.demo_call", description=__doc__.split("\n")[0])
    parser.add_argument("extension", nargs="?", default="2001", help="the agent's extension (default 2001)")
    parser.add_argument("--customer", default=CUSTOMER, help=f"the number called (default {CUSTOMER})")
    parser.add_argument("--tenant", default="demo", help="the tenant's slug (default demo)")
    parser.add_argument("--port", type=int, default=None, help="AMI port (default BGC_PBX_PORT)")
    args = parser.parse_args(argv)
    try:
        asyncio.run(demo_call(args.extension, args.customer, args.tenant, args.port))
    except (OSError, asyncio.TimeoutError, PbxError) as error:
        raise SystemExit(f"The PBX did not take the call ({error or type(error).__name__}): is `make run` running?")
    print(f"Calling {args.customer} from {endpoint_name(args.tenant, args.extension)}: "
          "see « Agents en direct » (the customer hangs up after 45 s).")


if __name__ == "__main__":
    main()
