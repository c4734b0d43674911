"""Reading the generated per-tenant includes, as Asterisk does on a reload.

The product writes `pjsip.d/<tenant>.conf` and `queues.d/<tenant>.conf` (services/voice/asterisk_config.py)
and sends `Command: module reload res_pjsip.so` / `queue reload all`; the simulator, started with a config
folder, then knows the endpoints and queues that were added or removed there, like a real Asterisk would.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SECTION = re.compile(r"^\[([^\]]+)\](?:\(([^)]*)\))?")
_CALLERID = re.compile(r'"?([^"<]*)"?\s*<')
RELOAD_COMMANDS = {"module reload res_pjsip.so", "pjsip reload"}
QUEUE_RELOAD_COMMANDS = {"queue reload all", "module reload app_queue.so", "reload app_queue.so"}
DIALPLAN_RELOAD = "dialplan reload"
_DID = re.compile(r"^exten\s*=>\s*(\+\d+)\s*,\s*1\s*,(.*)$")


@dataclass(frozen=True)
class EndpointConfig:
    name: str
    context: str
    display_name: str
    password: str
    busy_at: int = 0
    transport: str = "transport-udp"
    trunk: bool = False
    contact: str | None = None


STATIC_PJSIP = Path(__file__).resolve().parents[3] / "asterisk" / "pjsip.conf"


def template_options(folder: Path, template: str) -> dict[str, str]:
    """A `(!)` template of pjsip.conf: the one beside the includes if any, else the repository's own."""
    path = folder / "pjsip.conf" if (folder / "pjsip.conf").exists() else STATIC_PJSIP
    if not path.exists():
        return {}
    return next((s for name, kind, s in _sections(path.read_text(encoding="utf-8"))
                 if name == template and kind == "!"), {})


def _sections(text: str) -> list[tuple[str, str, dict[str, str]]]:
    sections: list[tuple[str, str, dict[str, str]]] = []
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        header = _SECTION.match(line)
        if header:
            sections.append((header.group(1), header.group(2) or "", {}))
        elif "=" in line and sections:
            key, value = (part.strip() for part in line.split("=", 1))
            sections[-1][2][key] = value
    return sections


def read_endpoints(folder: Path) -> dict[str, EndpointConfig]:
    """Agent endpoints of every `pjsip.d/*.conf` in `folder`, by name."""
    found: dict[str, EndpointConfig] = {}
    defaults = template_options(folder, "agent-endpoint")
    busy_at = int(defaults.get("device_state_busy_at", "0") or 0)
    for path in sorted((folder / "pjsip.d").glob("*.conf")):
        sections = _sections(path.read_text(encoding="utf-8"))
        passwords = {name: s.get("password", "") for name, template, s in sections
                     if template == "agent-auth"}
        for name, template, s in sections:
            if template == "agent-endpoint":
                caller = _CALLERID.match(s.get("callerid", ""))
                found[name] = EndpointConfig(name, s.get("context", ""),
                                             caller.group(1).strip() if caller else name,
                                             passwords.get(name, ""), busy_at,
                                             s.get("transport") or defaults.get("transport") or "transport-udp")
        found.update(_trunks(sections))
    return found


def _trunks(sections: list[tuple[str, str, dict[str, str]]]) -> dict[str, EndpointConfig]:
    """A tenant's own trunk (services/voice/tenant_lines.py): objects named alike, by `type`."""
    by_type = {(name, s.get("type")): s for name, template, s in sections if not template}
    return {name: EndpointConfig(name, s.get("context", ""), name,
                                 by_type.get((name, "auth"), {}).get("password", ""),
                                 transport=s.get("transport") or "transport-udp", trunk=True,
                                 contact=by_type.get((name, "aor"), {}).get("contact"))
            for (name, kind), s in by_type.items() if kind == "endpoint"}


def read_queues(folder: Path) -> dict[str, list[str]]:
    """Queues of every `queues.d/*.conf` in `folder` (not the `(!)` templates): name -> static members."""
    found: dict[str, list[str]] = {}
    for path in sorted((folder / "queues.d").glob("*.conf")):
        members: list[str] | None = None
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split(";", 1)[0].strip()
            header = _SECTION.match(line)
            if header:
                members = None if header.group(2) == "!" else found.setdefault(header.group(1), [])
            elif members is not None and line.startswith("member") and "=>" in line:
                members.append(line.split("=>", 1)[1].split(",", 1)[0].strip())
    return found


def read_dids(folder: Path) -> dict[str, tuple[str, str]]:
    """DIDs the tenants' `extensions.d/*.conf` add to `[from-carrier](+)`: DID -> (file's tenant
    slug, first priority's application)."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted((folder / "extensions.d").glob("*.conf")):
        in_carrier = False
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split(";", 1)[0].strip()
            header = _SECTION.match(line)
            if header:
                in_carrier = header.group(1) == "from-carrier" and header.group(2) == "+"
            elif in_carrier and (did := _DID.match(line)):
                found[did.group(1)] = (path.stem, did.group(2).strip())
    return found
