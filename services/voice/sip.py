"""SIP identities of a tenant: extension ranges, endpoint names, sealed secrets, connection settings."""
from __future__ import annotations

import os
import secrets

from services.audience.credentials import seal, unseal
from services.settings import get_settings

AGENT_RANGE = range(2001, 2900)        # agents: 2001-2899
SUPERVISOR_RANGE = range(2900, 3000)   # supervisors: 2900-2999 (they spy from their own phone)
_PURPOSE = b"bgotocall/voice/sip-secret/v1"


def endpoint_name(tenant_slug: str, extension: str) -> str:
    """The PJSIP endpoint (and SIP user) of an extension: 'demo-2001'."""
    return f"{tenant_slug}-{extension}"


def tenant_context(tenant_slug: str, flow: str) -> str:
    """The tenant's dialplan context of a flow: 't-demo-spy' (asterisk/extensions.conf)."""
    return f"t-{tenant_slug}-{flow}"


def sales_queue(tenant_slug: str) -> str:
    """The tenant's inbound queue; every active agent is a dynamic member of it."""
    return f"{tenant_slug}-sales"


def campaign_queue(tenant_slug: str, campaign_id: int) -> str:
    """A campaign's queue, generated into the tenant's queues include while the campaign runs."""
    return f"{tenant_slug}-campaign-{campaign_id}"


def split_endpoint(endpoint: str) -> tuple[str, str]:
    """'demo-2001' -> ('demo', '2001')."""
    slug, _, extension = endpoint.rpartition("-")
    return slug, extension


def next_free_extension(taken: set[str], numbers: range = AGENT_RANGE) -> str | None:
    return next((str(n) for n in numbers if str(n) not in taken), None)


def new_sip_secret() -> str:
    return secrets.token_urlsafe(18)


def seal_secret(secret: str) -> str:
    return seal({"secret": secret}, purpose=_PURPOSE)


def unseal_secret(sealed: str) -> str:
    return unseal(sealed, purpose=_PURPOSE)["secret"]


def connection_settings(tenant_slug: str, extension: str, secret: str) -> dict[str, str]:
    """What a softphone (the agent panel's WebRTC phone or a desk softphone) needs to register."""
    return {**public_connection_settings(tenant_slug, extension), "secret": secret}


def public_connection_settings(tenant_slug: str, extension: str) -> dict[str, str]:
    """The same settings without the secret: what may be shown again on a screen."""
    domain = os.environ.get("BGC_SIP_DOMAIN", f"sip.{get_settings().platform_domain}")
    return {
        "webrtc": os.environ.get("BGC_WEBRTC_URL", f"wss://{domain}:8089/ws"),
        "domain": domain,
        "user": endpoint_name(tenant_slug, extension),
        "extension": extension,
        "softphone": f"SIP TLS {domain}:5061, SRTP, codecs Opus/G.711 A-law, DTMF RFC 4733",
    }
