"""The tenant's phone numbers (DIDs) and its SIP trunk, set in Paramètres (admin).

A DID is an E.164 number with a label, shown as caller ID by the campaigns listed, and routed on
arrival to one campaign (or to the inbound IVR). The trunk's password is sealed like the agents' SIP
secrets and only unsealed where the Asterisk include is written. Every change is written into the
tenant's Asterisk includes and reloaded by the pbx bridge (`publish_lines`): no restart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.settings import PhoneNumber, SipTrunk
from services.voice.commands import pbx_command
from services.voice.sip import seal_secret

CODECS = ("opus", "alaw", "ulaw", "g722", "g729")
_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_USERNAME = re.compile(r"^[A-Za-z0-9._+-]{1,80}$")


class LineError(LookupError):
    pass


@dataclass(frozen=True)
class NumberView:
    id: int
    number: str
    label: str
    caller_id_campaigns: list[int]
    caller_id_names: str
    route_campaign_id: int          # 0: the inbound IVR
    route_name: str


@dataclass(frozen=True)
class TrunkView:
    host: str
    port: int
    username: str
    codecs: list[str]
    has_password: bool


def e164(raw: str) -> str | None:
    """'+237 6 99 00 00 01' -> '+237699000001'; None when it is not a valid international number."""
    try:
        parsed = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def campaign_names(ctx: AuthContext) -> dict[int, str]:
    access_area(ctx, "tenant_settings")
    with tenant_session(ctx) as s:
        return {c.id: c.name for c in s.exec(select(Campaign).order_by(Campaign.name))}


def list_numbers(ctx: AuthContext) -> list[NumberView]:
    names = campaign_names(ctx)
    with tenant_session(ctx) as s:
        rows = s.exec(select(PhoneNumber).order_by(PhoneNumber.number)).all()
    return [NumberView(
        n.id, n.number, n.label, list(n.caller_id_campaigns),
        ", ".join(names[c] for c in n.caller_id_campaigns if c in names) or "—",
        n.route_campaign_id or 0,
        names.get(n.route_campaign_id, "") if n.route_campaign_id else "Serveur vocal (IVR)")
        for n in rows]


def save_number(ctx: AuthContext, number_id: int | None, number: str, label: str,
                caller_id_campaigns: list[int], route_campaign_id: int | None) -> dict[str, str]:
    """Add (number_id None) or change a DID; the errors by field, or {} when saved and applied."""
    names = campaign_names(ctx)
    errors = {}
    normalised = e164(number)
    if normalised is None:
        errors["number"] = ("Numéro invalide : indiquez-le au format international, "
                            "ex. +237 6 99 00 00 01.")
    if not 2 <= len(label.strip()) <= 80:
        errors["label"] = "Indiquez un libellé (2 à 80 caractères), ex. « Service client »."
    if any(c not in names for c in caller_id_campaigns):
        errors["caller_id_campaigns"] = "Une des campagnes choisies n'existe plus."
    if route_campaign_id and route_campaign_id not in names:
        errors["route_campaign_id"] = "La campagne de routage n'existe plus."
    with tenant_session(ctx) as s:
        if normalised and s.exec(select(PhoneNumber.id).where(
                PhoneNumber.number == normalised, PhoneNumber.id != (number_id or 0))).first():
            errors["number"] = "Ce numéro est déjà enregistré."
        if errors:
            return errors
        row = s.get(PhoneNumber, number_id) if number_id else PhoneNumber()
        if row is None:
            raise LineError(number_id)
        row.number, row.label = normalised, label.strip()
        row.caller_id_campaigns = sorted(set(caller_id_campaigns))
        row.route_campaign_id = route_campaign_id or None
        s.add(row)
    publish_lines(ctx)
    return {}


def delete_number(ctx: AuthContext, number_id: int) -> None:
    access_area(ctx, "tenant_settings")
    with tenant_session(ctx) as s:
        row = s.get(PhoneNumber, number_id)
        if row is None:
            raise LineError(number_id)
        s.delete(row)
    publish_lines(ctx)


def caller_id_for(ctx: AuthContext, campaign_id: int) -> str | None:
    """The DID a campaign shows as caller ID when its voice slot chose none (Paramètres' choice);
    None: the tenant's default number of the dialplan."""
    with tenant_session(ctx) as s:
        for row in s.exec(select(PhoneNumber).order_by(PhoneNumber.id)):
            if campaign_id in row.caller_id_campaigns:
                return row.number
    return None


def tenant_dids(ctx: AuthContext) -> list[str]:
    """The tenant's own numbers (E.164), what a campaign's voice slot may show as caller ID."""
    with tenant_session(ctx) as s:
        return list(s.exec(select(PhoneNumber.number).order_by(PhoneNumber.number)))


def campaign_caller_id(ctx: AuthContext, campaign_id: int, config: dict) -> str | None:
    """The caller ID of a campaign's calls: the DID its voice slot chose, while it is still one of the
    tenant's numbers; otherwise the one Paramètres gave the campaign (`caller_id_for`)."""
    chosen = (config.get("channels", {}).get("voice", {}).get("caller_id") or "").strip()
    if chosen and chosen in tenant_dids(ctx):
        return chosen
    return caller_id_for(ctx, campaign_id)


def sip_trunk(ctx: AuthContext) -> TrunkView | None:
    access_area(ctx, "tenant_settings")
    with tenant_session(ctx) as s:
        row = s.get(SipTrunk, 1)
    return TrunkView(row.host, row.port, row.username, list(row.codecs), True) if row else None


def save_trunk(ctx: AuthContext, host: str, port: str, username: str, password: str,
               codecs: list[str]) -> dict[str, str]:
    """Set the trunk; an empty password keeps the stored one. Errors by field, or {}."""
    access_area(ctx, "tenant_settings")
    host, username = host.strip().lower(), username.strip()
    errors = {}
    if not _HOST.match(host):
        errors["host"] = "Hôte invalide : un nom de domaine ou une adresse IP, ex. sip.operateur.cm."
    if not (port.strip().isdigit() and 1 <= int(port) <= 65535):
        errors["port"] = "Port invalide : un nombre entre 1 et 65535 (5060 en général)."
    if not _USERNAME.match(username):
        errors["username"] = "Identifiant invalide : lettres, chiffres et . _ + - (80 au plus)."
    codecs = [c for c in CODECS if c in codecs]
    if not codecs:
        errors["codecs"] = "Cochez au moins un codec."
    with tenant_session(ctx) as s:
        row = s.get(SipTrunk, 1)
        if not password and row is None:
            errors["password"] = "Indiquez le mot de passe du trunk."
        elif password and not 6 <= len(password) <= 128:
            errors["password"] = "Le mot de passe doit compter entre 6 et 128 caractères."
        elif password and any(ch in password for ch in "\r\n;"):
            errors["password"] = "Le mot de passe ne peut contenir ni « ; » ni retour à la ligne."
        if errors:
            return errors
        row = row or SipTrunk(id=1, password_sealed="")
        row.host, row.port, row.username, row.codecs = host, int(port), username, codecs
        if password:
            row.password_sealed = seal_secret(password)
        row.updated_at = utcnow()
        s.add(row)
    publish_lines(ctx)
    return {}


def publish_lines(ctx: AuthContext) -> None:
    """Ask the pbx bridge to rewrite the tenant's includes and reload them (pjsip and dialplan).
    The bridge keeps the command while it is down and carries it out when it comes back."""
    pbx_command("lines_changed", wait=None, tenant_slug=ctx.tenant_slug)
