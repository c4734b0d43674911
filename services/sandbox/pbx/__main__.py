"""python -m services.sandbox.pbx --host 127.0.0.1 --port 5038 --user amiuser --secret amipass --recordings DIR
[--sip-ws-port 8088]"""
from __future__ import annotations

import argparse
import asyncio
import logging

from .clock import RealClock
from .control import PbxControl
from .tenants import demo_tenant, lab_tenant


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.sandbox.pbx", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--user", default="amiuser")
    parser.add_argument("--secret", default="amipass")
    parser.add_argument("--extra-user", action="append", default=[], metavar="USER:SECRET",
                        help="another AMI user (repeatable); each user may log in once at a time, as "
                             "with allowmultiplelogin = no")
    parser.add_argument("--recordings", default="recordings")
    parser.add_argument("--tenant", action="append", default=[], help="extra tenant slug (repeatable)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="0.1 = scripted delays 10x faster")
    parser.add_argument("--auth-failure-delay", type=float, default=1.0)
    parser.add_argument("--config-dir", default=None,
                        help="folder of the generated Asterisk includes (pjsip.d/*.conf), read "
                             "again on `module reload res_pjsip.so`")
    parser.add_argument("--sip-ws-port", type=int, default=None,
                        help="serve the browsers' WebRTC phones (SIP over WebSocket) on ws://HOST:PORT/ws")
    parser.add_argument("--registered", action="store_true",
                        help="the extra tenants' phones are registered at start (they answer after 1 s)")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    tenants = [lab_tenant()] + [demo_tenant(slug) for slug in args.tenant]
    for tenant in tenants[1:] if args.registered else []:
        tenant.registered = set(tenant.agents) | set(tenant.supervisors)
    control = await PbxControl.start(host=args.host, port=args.port, username=args.user, secret=args.secret,
                                     recordings=args.recordings, tenants=tenants,
                                     clock=RealClock(args.time_scale), auth_failure_delay=args.auth_failure_delay,
                                     config_dir=args.config_dir,
                                     extra_users=dict(u.split(":", 1) for u in args.extra_user),
                                     sip_ws_port=args.sip_ws_port)
    logging.getLogger(__name__).info("AMI listening on %s:%s", args.host, control.port)
    if control.sip_ws:
        logging.getLogger(__name__).info("SIP over WebSocket on ws://%s:%s/ws", args.host, control.sip_ws.port)
    try:
        await asyncio.Event().wait()
    finally:
        await control.close()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO)
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
