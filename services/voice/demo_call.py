"""Put an agent of the demo in a call with a simulated customer, to try « Agents en direct » and coaching.

    python -m services.voice.demo_call 2001            (make demo-call AGENT=2001)

Through the pbx bridge's command stream, as the product's own calls go: the bridge holds the one AMI
login the PBX allows its user (`allowmultiplelogin = no`), so nothing else logs in beside it. The agent's
phone is called first, then the customer. The default customer answers after 1.5 s and hangs up 45 s later
(the simulator's rule on the last two digits, services/sandbox/pbx/README.md); `--customer` picks another
outcome.
"""
from __future__ import annotations

import argparse
import os

from services.settings import get_settings
from services.voice.commands import PbxUnavailable, pbx_command
from services.voice.sip import endpoint_name, tenant_context

CUSTOMER = "+15550001291"


def demo_call(extension: str, customer: str = CUSTOMER, tenant: str = "demo", wait: float = 10.0) -> None:
    pbx_command("originate", wait=wait, channel=f"PJSIP/{endpoint_name(tenant, extension)}",
                context=tenant_context(tenant, "outbound-agent-first"), exten=customer)


def _use_the_running_stack() -> None:
    """From another terminal: the Redis of `make run` (it writes its address under the data folder)."""
    saved = get_settings().data_dir / "redis.url"
    if not os.environ.get("REDIS_URL") and saved.exists():
        os.environ["REDIS_URL"] = saved.read_text().strip()
        get_settings.cache_clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.voice.demo_call", description=__doc__.split("\n")[0])
    parser.add_argument("extension", nargs="?", default="2001", help="the agent's extension (default 2001)")
    parser.add_argument("--customer", default=CUSTOMER, help=f"the number called (default {CUSTOMER})")
    parser.add_argument("--tenant", default="demo", help="the tenant's slug (default demo)")
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for the bridge (default 10)")
    args = parser.parse_args(argv)
    _use_the_running_stack()
    try:
        demo_call(args.extension, args.customer, args.tenant, args.wait)
    except (OSError, RuntimeError, PbxUnavailable) as error:
        raise SystemExit(f"The PBX did not take the call ({error}): is `make run` running?")
    print(f"Calling {args.customer} from {endpoint_name(args.tenant, args.extension)}: "
          "see « Agents en direct » (the customer hangs up after 45 s).")


if __name__ == "__main__":
    main()
