"""The editable configuration of a campaign: one JSON document, versioned as a whole.

{
  "name", "description", "timezone", "valid_from", "valid_until" (ISO dates or ""),
  "bands": {"0": "09:00-12:30, 14:00-18:00", ... "6": ""},   # 0 = Monday
  "contact_local_time": bool, "holidays": ["2026-12-25"], "holiday_country": "CM",
  "preset": "",                                               # compliance preset applied
  "channels": {
    "voice":    {"enabled", "mode": "PREVIEW"|"PROGRESSIVE"|"PREDICTIVE"|"INBOUND", "script",
                 "busy_retry_minutes": 15|30, "retry_minutes", "max_attempts", "amd",
                 "caller_id": one of the tenant's DIDs ("" = Paramètres' choice), "record": bool,
                 # the campaign's queue (services/voice/queue_members.py, services/voice/inbound.py):
                 "skill": a skill name (its agents' levels become queue penalties),
                 "vip_field": a list field whose "yes" marks a VIP caller (top priority in the queue),
                 "max_wait_seconds": the caller's wait before the saturation menu (message / callback)},
    "sms":      {"enabled", "sender", "text"},
    "email":    {"enabled", "sender", "subject", "html", "text"},
    "whatsapp": {"enabled", "template_id", "variables": {"1": "Nom"}, "media_url"},
  },
  "fallbacks": [{"from": "voice", "to": "sms"}],
  "form": {"fields": [{"key", "label", "type", "required", "options", "tag"}]},
  "codes": [{"code", "label", "action", "template"}],       # template: the text an "email" or
                                                             # "sms" action sends
                                                             # (services/messaging/qualification_actions.py)
  "agents": [user ids], "teams": [team ids], "lists": [contact list ids],
}
"""
from __future__ import annotations

import copy
import re

import nh3

CHANNELS = ("voice", "sms", "email", "whatsapp")
CHANNEL_LABELS = {"voice": "Voix", "sms": "SMS", "email": "Email", "whatsapp": "WhatsApp"}
DIAL_MODES = ("PREVIEW", "PROGRESSIVE", "PREDICTIVE", "INBOUND")   # INBOUND: its lists are never dialled
CODE_ACTIONS = ("", "email", "sms", "callback", "blacklist")   # a "whatsapp" one is refused (code_action_problems)
ACTION_LABELS = {"": "Aucune", "email": "Envoyer un email", "sms": "Envoyer un SMS",
                 "whatsapp": "Envoyer un modèle WhatsApp", "callback": "Planifier un rappel",
                 "blacklist": "Ajouter à la liste noire"}
DEFAULT_CODES = (("VENTE", "Vente"), ("REFUS", "Refus"), ("RAPPEL", "Rappel"),
                 ("NUMERO_INVALIDE", "Numéro invalide"))
_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
UNSUBSCRIBE_MARK = "{Lien_Desinscription}"


def default_config(name: str = "") -> dict:
    return {
        "name": name, "description": "", "timezone": "Africa/Douala",
        "valid_from": "", "valid_until": "",
        "bands": {str(d): ("09:00-12:30, 14:00-18:00" if d < 5 else "") for d in range(7)},
        "contact_local_time": False, "holidays": [], "holiday_country": "", "preset": "",
        "channels": {
            "voice": {"enabled": False, "mode": "PREVIEW", "script": "",
                      "busy_retry_minutes": 15, "retry_minutes": 60, "max_attempts": 3, "amd": False,
                      "caller_id": "", "record": False,
                      "skill": "", "vip_field": "", "max_wait_seconds": 60},
            "sms": {"enabled": False, "sender": "", "text": ""},
            "email": {"enabled": False, "sender": "", "subject": "", "html": "", "text": ""},
            "whatsapp": {"enabled": False, "template_id": None, "variables": {},
                         "media_url": ""},
        },
        "fallbacks": [],
        "form": {"fields": []},
        "codes": [{"code": c, "label": label, "action": "", "template": ""}
                  for c, label in DEFAULT_CODES],
        "agents": [], "teams": [], "lists": [],
    }


def normalized(config: dict) -> dict:
    """A complete document: defaults filled in for anything missing (older versions too)."""
    result = default_config()
    for key, value in (config or {}).items():
        if key == "channels":
            for channel, slot in (value or {}).items():
                if channel in CHANNELS:
                    result["channels"][channel].update(slot or {})
        elif key in result:
            result[key] = copy.deepcopy(value)
    return result


BUSY_RETRY_CHOICES = (15, 30)
MAX_ATTEMPTS_LIMIT = 10
MAX_WAIT_RANGE = (10, 900)


def dialing_problems(config: dict) -> list[str]:
    """The voice slot's retry rules (UC-VO-01): busy again after 15 or 30 minutes, a bounded number of
    attempts, a positive delay before another try after no answer, congestion or a machine."""
    voice, problems = config["channels"]["voice"], []
    if voice.get("busy_retry_minutes") not in BUSY_RETRY_CHOICES:
        problems.append("Un numéro occupé est rappelé après 15 ou 30 minutes.")
    if not isinstance(voice.get("max_attempts"), int) or not 1 <= voice["max_attempts"] <= MAX_ATTEMPTS_LIMIT:
        problems.append(f"Le nombre de tentatives va de 1 à {MAX_ATTEMPTS_LIMIT}.")
    if not isinstance(voice.get("retry_minutes"), int) or voice["retry_minutes"] < 1:
        problems.append("Le délai avant un nouvel essai est d'au moins une minute.")
    low, high = MAX_WAIT_RANGE
    wait = voice.get("max_wait_seconds")
    if not isinstance(wait, int) or not low <= wait <= high:
        problems.append(f"L'attente maximale d'un appelant va de {low} à {high} secondes.")
    if voice.get("mode") not in DIAL_MODES:
        problems.append("Choisissez un mode d'appel.")
    return problems


def code_action_problems(config: dict) -> list[str]:
    """The qualification codes' automatic actions (services/messaging/qualification_actions.py):
    an email or an SMS needs its text; a WhatsApp message cannot go out as free text (Meta allows
    it only inside the 24-hour window of the customer's last message), so it is refused."""
    problems = []
    for code in config.get("codes") or []:
        action, name = code.get("action") or "", code.get("code") or code.get("label") or "?"
        if action in ("email", "sms") and not (code.get("template") or "").strip():
            problems.append(f"Code {name} : saisissez le texte du message envoyé "
                            f"(action « {ACTION_LABELS[action]} »).")
        elif action == "whatsapp":
            problems.append(f"Code {name} : l'envoi WhatsApp automatique n'est pas possible "
                            "(WhatsApp n'accepte qu'un modèle approuvé hors conversation) ; "
                            "choisissez l'email ou le SMS.")
    return problems


def variables_in(text: str) -> list[str]:
    """The {Variables} a text uses, in order, without repeats."""
    return list(dict.fromkeys(_VARIABLE.findall(text or "")))


def render(text: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def enabled_channels(config: dict) -> list[str]:
    return [c for c in CHANNELS if config["channels"][c].get("enabled")]


def email_with_unsubscribe(html: str, link_text: str = "Se désinscrire") -> str:
    """The HTML part as sent: an unsubscribe link is added when the author did not put one."""
    if UNSUBSCRIBE_MARK in (html or ""):
        return html
    return (f'{html or ""}<p style="font-size:12px;color:#666">'
            f'<a href="{UNSUBSCRIBE_MARK}">{link_text}</a></p>')


def plain_text_of(html: str) -> str:
    """A plain-text part from the HTML one (when the author leaves it empty)."""
    text = re.sub(r"<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n", html or "", flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    for entity, char in (("&nbsp;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")):
        text = text.replace(entity, char)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_ALLOWED_ATTRIBUTES = {tag: set(attrs) | {"class"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("p", "span", "li", "ol", "ul", "h1", "h2", "h3", "strong", "em", "u", "s"):
    _ALLOWED_ATTRIBUTES.setdefault(_tag, set()).add("class")
_ALLOWED_ATTRIBUTES["li"].add("data-list")  # Quill 2 marks bullet / ordered items so


def safe_html(html: str) -> str:
    """Rich text as stored and shown: no script, no event handler, no javascript: link."""
    return nh3.clean(html or "", attributes=_ALLOWED_ATTRIBUTES)
