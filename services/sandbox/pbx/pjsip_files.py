"""Reading the generated per-tenant pjsip includes, as Asterisk does on a res_pjsip reload.

The product writes `pjsip.d/<tenant>.conf` (services/voice/asterisk_config.py) and sends
`Command: module reload res_pjsip.so`; the simulator, started with a config folder, then
knows the endpoints that were added or removed there, like a real Asterisk would.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SECTION = re.compile(r"^\[([^\]]+)\](?:\(([^)]*)\))?")
_CALLERID = re.compile(r'"?([^"<]*)"?\s*<')
RELOAD_COMMANDS = {"module reload res_pjsip.so", "pjsip reload"}


@dataclass(frozen=True)
class EndpointConfig:
    name: str
    context: str
    display_name: str
    password: str


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
    for path in sorted((folder / "pjsip.d").glob("*.conf")):
        sections = _sections(path.read_text(encoding="utf-8"))
        passwords = {name: s.get("password", "") for name, template, s in sections
                     if template == "agent-auth"}
        for name, template, s in sections:
            if template == "agent-endpoint":
                caller = _CALLERID.match(s.get("callerid", ""))
                found[name] = EndpointConfig(name, s.get("context", ""),
                                             caller.group(1).strip() if caller else name,
                                             passwords.get(name, ""))
    return found
