"""Write each tenant's Asterisk includes from the database (asterisk/README.md).

    python -m services.voice.asterisk_config [--out /etc/asterisk] [--tenant SLUG]

Per active tenant: pjsip.d/<slug>.conf (endpoint/auth/aor of each enrolled agent and supervisor,
secrets decrypted here only), extensions.d/<slug>.conf (the tenant's contexts from
asterisk/templates/tenant-extensions.conf, its DIDs and its IVR menus), queues.d/<slug>.conf (its sales queue and one queue per live or
paused campaign, `<slug>-campaign-<id>`, all without static members: agents are dynamic members the
bridge adds and removes with QueueAdd/QueueRemove, so an unenrolment never meets « Member not dynamic »),
and manager.d/bgotocall.conf (the bridge's AMI user). Files holding secrets are written mode 0600.
Each include is a list of sections (`Section`), so another module can add its own to a tenant's file.
Then reload: `asterisk -rx "module reload res_pjsip.so"` / `dialplan reload` / `queue reload all`
(the bridge sends the first one itself after an enrolment).
"""
from __future__ import annotations

import argparse
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.campaigns import Campaign, CampaignStatus
from services.models.platform import Role, Tenant, User
from services.models.voice import AgentProfile
from services.settings import REPO_ROOT
from services.voice.gateway import pbx_config
from services.voice.ivr_dialplan import ivr_section
from services.voice.sip import campaign_queue, endpoint_name, sales_queue, unseal_secret
from services.voice.tenant_lines import default_caller_id, dids_section, trunk_section

TEMPLATE = REPO_ROOT / "asterisk" / "templates" / "tenant-extensions.conf"
COMPANY_NUMBER = "+15550001000"   # the caller ID of a tenant with no DID shown by a campaign


def _write(path: Path, text: str, secret: bool = False) -> bool:
    """Whether the file changed: one already holding `text` is left as it is."""
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")   # one per writer
    tmp.write_text(text)
    if secret:
        os.chmod(tmp, 0o600)
    tmp.replace(path)          # Asterisk never reads a half-written file
    return True


def pjsip_include(tenant: Tenant) -> str:
    ctx = system_context(tenant.id)
    with tenant_session(ctx) as session:
        rows = session.exec(select(AgentProfile, User).join(User, User.id == AgentProfile.user_id)
                            .where(User.is_active).order_by(AgentProfile.extension)).all()
    blocks = [f"; Tenant {tenant.slug} ({tenant.name}): generated, do not edit.\n"]
    for profile, user in rows:
        name = endpoint_name(tenant.slug, profile.extension)
        display = user.full_name.replace('"', "'")
        blocks.append(
            f"[{name}](agent-endpoint)\ncontext = t-{tenant.slug}-agents\n"
            f'callerid = "{display}" <{profile.extension}>\nauth = {name}\naors = {name}\n'
            f"set_var = BGC_ROLE={user.role}\n\n"
            f"[{name}](agent-auth)\nusername = {name}\npassword = {unseal_secret(profile.sip_secret_sealed)}\n\n"
            f"[{name}](agent-aor)\n")
    return "\n".join(blocks)


@dataclass(frozen=True)
class Section:
    """One `[name](template)` block of an Asterisk configuration file."""
    name: str
    template: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)

    def render(self) -> str:
        head = f"[{self.name}]" + (f"({self.template})" if self.template else "")
        return "\n".join([head] + [f"{key} = {value}" for key, value in self.options]) + "\n"


def render_include(title: str, sections: list[Section]) -> str:
    return f"; {title}: generated, do not edit.\n\n" + "\n".join(s.render() for s in sections)


def queue_sections(tenant: Tenant) -> list[Section]:
    """The tenant's queues: sales, and one per campaign that may take calls (live or paused)."""
    with tenant_session(system_context(tenant.id)) as session:
        campaigns = session.exec(select(Campaign.id).where(Campaign.status.in_(
            [CampaignStatus.LIVE.value, CampaignStatus.EN_PAUSE.value])).order_by(Campaign.id)).all()
    return [Section(sales_queue(tenant.slug), "queue-template")] + [
        Section(campaign_queue(tenant.slug, c), "queue-template") for c in campaigns]


def queues_include(tenant: Tenant) -> str:
    return render_include(f"Tenant {tenant.slug}", queue_sections(tenant))


def sales_members(tenant_id: int, tenant_slug: str) -> dict[str, str]:
    """The tenant's active agents, members of its sales queue: endpoint -> display name."""
    with tenant_session(system_context(tenant_id)) as session:
        rows = session.exec(select(AgentProfile.extension, User.full_name).join(User, User.id == AgentProfile.user_id)
                            .where(User.is_active, User.role == Role.AGENT.value)
                            .order_by(AgentProfile.extension)).all()
    return {endpoint_name(tenant_slug, ext): name for ext, name in rows}


def extensions_include(tenant: Tenant) -> str:
    return tenant_flows(tenant.slug, tenant.name, default_caller_id(tenant) or COMPANY_NUMBER)


def tenant_flows(slug: str, company_name: str, company_number: str) -> str:
    """The template's contexts for one tenant."""
    text = TEMPLATE.read_text()
    for token, value in {"@SLUG@": slug, "@COMPANY_NAME@": company_name.replace(",", " "),
                         "@COMPANY_NUMBER@": company_number}.items():
        text = text.replace(token, value)
    return text


def manager_include() -> str:
    config = pbx_config()
    return (f"[{config.username}]\nsecret = {config.secret}\ndeny = 0.0.0.0/0.0.0.0\n"
            f"permit = {os.environ.get('BGC_AMI_PERMIT', '127.0.0.1/255.255.255.255')}\n"
            "read = system,call,agent,user,dialplan,dtmf\nwrite = system,call,agent,originate,command\n"
            "writetimeout = 5000\n")


def write_tenant_config(tenant: Tenant, out: Path) -> list[Path]:
    """The tenant's includes; the ones that changed are returned."""
    files = {out / "pjsip.d" / f"{tenant.slug}.conf": (pjsip_include(tenant) + trunk_section(tenant), True),
             out / "extensions.d" / f"{tenant.slug}.conf": (
                 extensions_include(tenant) + dids_section(tenant) + ivr_section(tenant), False),
             out / "queues.d" / f"{tenant.slug}.conf": (queues_include(tenant), False)}
    return [path for path, (text, secret) in files.items() if _write(path, text, secret)]


def write_all(out: Path, only: str | None = None) -> list[Path]:
    """Every active tenant's includes (or `only` that one's) and the AMI user's; the files that changed
    are returned (Asterisk has something to reload only if the list is not empty)."""
    with platform_session() as session:
        query = select(Tenant).where(Tenant.status == "ACTIVE")
        tenants = session.exec(query.where(Tenant.slug == only) if only else query).all()
    written = [p for tenant in tenants for p in write_tenant_config(tenant, out)]
    manager = out / "manager.d" / "bgotocall.conf"
    return written + ([manager] if _write(manager, manager_include(), secret=True) else [])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.voice.asterisk_config", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.environ.get("BGC_ASTERISK_CONFIG_DIR", "/etc/asterisk"))
    parser.add_argument("--tenant", default=None, help="only this tenant's slug")
    args = parser.parse_args(argv)
    for path in write_all(Path(args.out), args.tenant):
        print(path)


if __name__ == "__main__":
    main()
