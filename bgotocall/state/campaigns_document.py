"""The campaign editor's widgets <-> the configuration document (services/campaigns/config.py).

Form reading only: no rule here; the services validate what is saved.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime

from services.campaigns.config import normalized

DAY_FORMAT = "%d/%m/%Y"  # what the date fields show and take, whatever the browser's locale


def day_text(iso: str) -> str:
    """A document's ISO day as the field shows it (31/12/2026)."""
    try:
        return date.fromisoformat(iso).strftime(DAY_FORMAT)
    except ValueError:
        return iso


def iso_day(typed: str) -> str:
    """What was typed in a date field as an ISO day; left as typed when it is not a date, for
    the services' validation to refuse it."""
    try:
        return datetime.strptime(typed.strip(), DAY_FORMAT).date().isoformat()
    except ValueError:
        return typed.strip()


@dataclasses.dataclass
class FieldRow:
    key: str = ""
    label: str = ""
    type: str = "text"
    required: bool = False
    options: str = ""
    tag: str = ""


@dataclasses.dataclass
class CodeRow:
    code: str = ""
    label: str = ""
    action: str = ""
    template: str = ""


DEFAULT_CALLER_ID = "default"    # the select's item for « the number Paramètres gives » (no empty value)
NONE = "none"                    # the select's item for « none » (a select item cannot be empty)


def _chosen(value: str) -> str:
    return "" if value == NONE else value


def _number(typed: str) -> int | str:
    """A typed whole number, or the text as typed for the services' validation to refuse it."""
    return int(typed) if typed.strip().isdigit() else typed


def widget_values(config: dict) -> dict:
    """The editor's widget values (state field -> value) for a configuration document."""
    c = normalized(config)
    ch = c["channels"]
    fallback = (c["fallbacks"] or [{"from": "none", "to": "none"}])[0]
    return {
        "name": c["name"], "description": c["description"], "timezone": c["timezone"],
        "valid_from": day_text(c["valid_from"]), "valid_until": day_text(c["valid_until"]),
        "bands": [c["bands"].get(str(d), "") for d in range(7)],
        "contact_local_time": c["contact_local_time"],
        "holidays": ", ".join(c["holidays"]),
        "holiday_country": c["holiday_country"] or "none", "preset": c["preset"],
        "enabled": {k: bool(ch[k]["enabled"]) for k in ch},
        "voice": {"mode": ch["voice"]["mode"], "script": ch["voice"]["script"],
                  "caller_id": ch["voice"].get("caller_id") or DEFAULT_CALLER_ID,
                  "record": "True" if ch["voice"].get("record") else "False",
                  "skill": ch["voice"]["skill"] or NONE, "vip_field": ch["voice"]["vip_field"] or NONE,
                  "max_wait_seconds": str(ch["voice"]["max_wait_seconds"])},
        "sms": {"sender": ch["sms"]["sender"], "text": ch["sms"]["text"]},
        "email": {k: ch["email"][k] for k in ("sender", "subject", "html", "text")},
        "whatsapp": {"template_id": str(ch["whatsapp"]["template_id"] or ""),
                     "media_url": ch["whatsapp"]["media_url"]},
        "wa_variables": {str(k): str(v) for k, v in ch["whatsapp"]["variables"].items()},
        "fallback_from": fallback["from"], "fallback_to": fallback["to"],
        "fields": [FieldRow(f["key"], f["label"], f["type"], f["required"],
                            ", ".join(f["options"]), f["tag"]) for f in c["form"]["fields"]],
        "codes": [CodeRow(x["code"], x["label"], x.get("action", ""), x.get("template", ""))
                  for x in c["codes"]],
        "agents": [str(a) for a in c["agents"]], "teams": [str(t) for t in c["teams"]],
        "lists": [str(i) for i in c["lists"]],
    }


def document_of(s) -> dict:
    """The configuration document the editor's widgets (`s`, the state) describe."""
    template = s.whatsapp.get("template_id", "")
    enabled = s.enabled
    return {
        "name": s.name, "description": s.description, "timezone": s.timezone,
        "valid_from": iso_day(s.valid_from), "valid_until": iso_day(s.valid_until),
        "bands": {str(d): s.bands[d] for d in range(7)},
        "contact_local_time": s.contact_local_time,
        "holidays": [h.strip() for h in s.holidays.split(",") if h.strip()],
        "holiday_country": "" if s.holiday_country == "none" else s.holiday_country,
        "preset": s.preset,
        "channels": {
            "voice": {"enabled": enabled.get("voice", False), **s.voice,
                      "caller_id": "" if s.voice.get("caller_id", "") == DEFAULT_CALLER_ID
                      else s.voice.get("caller_id", ""), "record": s.voice.get("record", "") == "True",
                      "skill": _chosen(s.voice.get("skill", "")), "vip_field": _chosen(s.voice.get("vip_field", "")),
                      "max_wait_seconds": _number(s.voice.get("max_wait_seconds", ""))},
            "sms": {"enabled": enabled.get("sms", False), **s.sms},
            "email": {"enabled": enabled.get("email", False), **s.email},
            "whatsapp": {"enabled": enabled.get("whatsapp", False),
                         "template_id": int(template) if template.isdigit() else None,
                         "variables": dict(s.wa_variables),
                         "media_url": s.whatsapp.get("media_url", "")},
        },
        "fallbacks": ([{"from": s.fallback_from, "to": s.fallback_to}]
                      if "none" not in (s.fallback_from, s.fallback_to)
                      and s.fallback_from != s.fallback_to else []),
        "form": {"fields": [dataclasses.asdict(f) for f in s.fields]},
        "codes": [dataclasses.asdict(c) for c in s.codes if c.code.strip()],
        "agents": [int(a) for a in s.agents], "teams": [int(t) for t in s.teams],
        "lists": [int(i) for i in s.lists],
    }
