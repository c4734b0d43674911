"""Pre-flight check before "Propager l'OS" (UC-CP-03): every refusal reason at once.

`preflight_problems` is a pure rule on gathered facts; `gather_facts` reads them from the
tenant (lists, custom fields, templates, wallet) so the same check serves launch and resume.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from services.audience.mapping import STANDARD_FIELDS
from services.billing.wallet import wallet_of
from services.campaigns.config import (
    CHANNEL_LABELS, code_action_problems, enabled_channels, plain_text_of, variables_in,
)
from services.campaigns.assignment import staffed_agents
from services.campaigns.timebands import TimeBandError, bands_from_config, validate_bands
from services.campaigns.whatsapp_templates import placeholders
from services.models.audience import ContactList, CustomField, ListStatus
from services.models.campaigns import TemplateStatus, WhatsAppTemplate


@dataclass(frozen=True)
class PreflightFacts:
    today: date  # in the campaign's time zone
    wallet_balance: int
    ready_lists: dict[int, int]  # list id -> accepted contacts, lists "Prête" only
    known_fields: frozenset[str]  # the {Variables} a contact can fill
    templates: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> status, body
    staffed_agents: int = 0  # agents chosen one by one or through their teams


def _text_slots(config: dict) -> list[tuple[str, str, str]]:
    """(channel, what, text) for every text of the enabled channels."""
    slots = config["channels"]
    pairs = {"voice": [("le script", slots["voice"]["script"])],
             "sms": [("le message", slots["sms"]["text"])],
             "email": [("l'objet", slots["email"]["subject"]),
                       ("le contenu", slots["email"]["html"]),
                       ("la version texte", slots["email"]["text"])]}
    return [(c, what, text) for c in enabled_channels(config) for what, text in pairs.get(c, [])]


def _empty_templates(config: dict, facts: PreflightFacts) -> list[str]:
    problems = []
    slots = config["channels"]
    for channel in enabled_channels(config):
        slot, label = slots[channel], CHANNEL_LABELS[channel]
        if channel == "voice" and not _visible(slot["script"]):
            problems.append("Modèle vide : le script du canal Voix est vide.")
        elif channel == "sms" and not slot["text"].strip():
            problems.append("Modèle vide : le message du canal SMS est vide.")
        elif channel == "email" and (not slot["subject"].strip() or not _visible(slot["html"])):
            problems.append("Modèle vide : l'objet ou le contenu du canal Email est vide.")
        elif channel == "whatsapp":
            status = facts.templates.get(slot.get("template_id") or 0, ("", ""))[0]
            if not status:
                problems.append(f"Modèle vide : aucun modèle {label} n'est choisi.")
            elif status != TemplateStatus.APPROVED.value:
                problems.append("Modèle vide : le modèle WhatsApp choisi n'est pas approuvé.")
    return problems


def _visible(html: str) -> bool:
    return bool(plain_text_of(html or ""))


def _undefined_variables(config: dict, facts: PreflightFacts) -> list[str]:
    problems = []
    for channel, what, text in _text_slots(config):
        unknown = [v for v in variables_in(text)
                   if v not in facts.known_fields and v != "Lien_Desinscription"]
        if unknown:
            problems.append(f"Variable non définie dans {what} ({CHANNEL_LABELS[channel]}) : "
                            + ", ".join("{" + v + "}" for v in unknown) + ".")
    wa = config["channels"]["whatsapp"]
    if wa.get("enabled") and wa.get("template_id") in facts.templates:
        needed = placeholders(facts.templates[wa["template_id"]][1])
        variables = wa.get("variables") or {}
        missing = [n for n in needed if not variables.get(str(n))]
        unknown = [variables[str(n)] for n in needed
                   if variables.get(str(n)) and variables[str(n)] not in facts.known_fields]
        if missing:
            problems.append("Variable non définie dans le modèle WhatsApp : "
                            + ", ".join("{{%d}}" % n for n in missing) + " sans champ associé.")
        if unknown:
            problems.append("Variable non définie dans le modèle WhatsApp : "
                            + ", ".join("{" + v + "}" for v in unknown) + ".")
    return problems


def _code_variables(config: dict, facts: PreflightFacts) -> list[str]:
    """The {Variables} of the messages qualification codes send."""
    problems = []
    for code in config.get("codes") or []:
        if code.get("action") not in ("email", "sms"):
            continue
        unknown = [v for v in variables_in(code.get("template") or "")
                   if v not in facts.known_fields and v != "Lien_Desinscription"]
        if unknown:
            problems.append(f"Variable non définie dans le message du code {code.get('code')} : "
                            + ", ".join("{" + v + "}" for v in unknown) + ".")
    return problems


def preflight_problems(config: dict, facts: PreflightFacts) -> list[str]:
    """Every reason the campaign cannot go live, in plain French ([] = ready)."""
    problems = []
    lists = config.get("lists") or []
    if not lists or not any(facts.ready_lists.get(i, 0) > 0 for i in lists):
        problems.append("Aucune audience : liez au moins une liste « Prête » non vide.")
    elif any(i not in facts.ready_lists for i in lists):
        problems.append("Aucune audience : une liste liée n'est pas « Prête ».")
    if not enabled_channels(config):
        problems.append("Modèle vide : aucun canal n'est activé.")
    problems += _empty_templates(config, facts)
    problems += _undefined_variables(config, facts)
    problems += code_action_problems(config) + _code_variables(config, facts)
    if config["channels"]["voice"].get("enabled") and not facts.staffed_agents:
        problems.append("Canal Voix sans agent : affectez au moins un agent.")
    vip = config["channels"]["voice"].get("vip_field") or ""
    if config["channels"]["voice"].get("enabled") and vip and vip not in facts.known_fields:
        problems.append(f"Champ VIP inconnu : « {vip} » n'est pas un champ des listes liées.")
    if facts.wallet_balance <= 0:
        problems.append("Smart Wallet vide : rechargez le solde avant de lancer.")
    until = config.get("valid_until") or ""
    if until and date.fromisoformat(until) < facts.today:
        problems.append(f"Période de validité terminée : elle s'est achevée le "
                        f"{date.fromisoformat(until):%d/%m/%Y}.")
    problems += validate_bands(config)
    try:
        if bands_from_config(config).is_empty:
            problems.append("Aucune plage horaire : définissez au moins un créneau.")
    except TimeBandError:
        pass  # already reported by validate_bands
    return problems


def gather_facts(session: Session, tenant_id: int, config: dict,
                 now: datetime) -> PreflightFacts:
    """The facts of the tenant a pre-flight check needs, read in the caller's session."""
    try:
        today = now.astimezone(ZoneInfo(config.get("timezone") or "Africa/Douala")).date()
    except Exception:  # an unknown zone is reported by validate_bands
        today = now.date()
    lists = list(session.exec(select(ContactList).where(
        ContactList.id.in_(config.get("lists") or [0]))))
    ready = {cl.id: cl.accepted for cl in lists if cl.status == ListStatus.PRETE.value}
    fields = set(STANDARD_FIELDS) | set(session.exec(select(CustomField.name)))
    for cl in lists:
        fields |= set((cl.mapping or {}).keys())
    templates = {t.id: (t.status, t.body) for t in session.exec(select(WhatsAppTemplate))}
    wallet = wallet_of(tenant_id)
    return PreflightFacts(today=today, wallet_balance=wallet.balance if wallet else 0,
                          ready_lists=ready, known_fields=frozenset(fields), templates=templates,
                          staffed_agents=len(staffed_agents(session, config)))
