"""The tenant's lines in its Asterisk includes: its SIP trunk (pjsip.d/<slug>.conf) and its DIDs
(extensions.d/<slug>.conf), from what the admin set in Paramètres (services.voice.phone_numbers).

The trunk is `<slug>-trunk` (endpoint, auth, aor, identify, registration); calls arriving on it enter
the tenant's own inbound context. Each DID is appended to the shared `[from-carrier]` context
(asterisk/extensions.conf) with `[from-carrier](+)`, sets what the call flows read (label, routed
campaign) and goes to the tenant's inbound flow. Numbers and labels are validated before they are
stored; labels are still stripped of what the config syntax would read.
"""
from __future__ import annotations

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.platform import Tenant
from services.models.settings import PhoneNumber, SipTrunk
from services.voice.sip import tenant_context, unseal_secret


def trunk_endpoint(tenant_slug: str) -> str:
    return f"{tenant_slug}-trunk"


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch not in ",;()\"\r\n[]$").strip()


def trunk_section(tenant: Tenant) -> str:
    """The pjsip objects of the tenant's trunk; '' when it has none."""
    with tenant_session(system_context(tenant.id)) as s:
        trunk = s.get(SipTrunk, 1)
    if trunk is None:
        return ""
    name = trunk_endpoint(tenant.slug)
    server = f"sip:{trunk.host}:{trunk.port}"
    return (f"\n; SIP trunk of {tenant.slug} (Paramètres): generated, do not edit.\n"
            f"[{name}]\ntype = endpoint\ntransport = transport-udp\n"
            f"context = {tenant_context(tenant.slug, 'from-carrier')}\ndisallow = all\n"
            f"allow = {','.join(trunk.codecs)}\noutbound_auth = {name}\naors = {name}\n"
            "direct_media = no\nsend_pai = yes\n\n"
            f"[{name}]\ntype = auth\nauth_type = userpass\nusername = {trunk.username}\n"
            f"password = {unseal_secret(trunk.password_sealed)}\n\n"
            f"[{name}]\ntype = aor\ncontact = {server}\nqualify_frequency = 60\n\n"
            f"[{name}]\ntype = identify\nendpoint = {name}\nmatch = {trunk.host}\n\n"
            f"[{name}]\ntype = registration\ntransport = transport-udp\n"
            f"outbound_auth = {name}\nserver_uri = {server}\n"
            f"client_uri = sip:{trunk.username}@{trunk.host}:{trunk.port}\nretry_interval = 60\n")


def dids_section(tenant: Tenant) -> str:
    """The tenant's DIDs in the carrier's context; '' when it has none."""
    with tenant_session(system_context(tenant.id)) as s:
        numbers = s.exec(select(PhoneNumber).order_by(PhoneNumber.number)).all()
    if not numbers:
        return ""
    inbound = tenant_context(tenant.slug, "from-carrier")
    lines = [f"\n; Numbers (DIDs) of {tenant.slug} (Paramètres): generated, do not edit.",
             "[from-carrier](+)"]
    for n in numbers:
        lines += [f"exten => {n.number},1,Set(__DID_LABEL={_safe(n.label)})",
                  f" same => n,Set(__ROUTE_CAMPAIGN={n.route_campaign_id or ''})"]
        if n.ivr_menu_id:          # the menu the IVR designer chose for it (services/voice/ivr_dialplan.py)
            lines += [f" same => n,Goto({tenant_context(tenant.slug, f'ivr-{n.ivr_menu_id}')},s,1)"]
        else:
            lines += [f" same => n,Goto({inbound},${{EXTEN}},1)"]
    return "\n".join(lines) + "\n"


def default_caller_id(tenant: Tenant) -> str | None:
    """The first DID shown as caller ID by some campaign, for the tenant's outbound flows."""
    with tenant_session(system_context(tenant.id)) as s:
        numbers = s.exec(select(PhoneNumber).order_by(PhoneNumber.id)).all()
    return next((n.number for n in numbers if n.caller_id_campaigns), None)
