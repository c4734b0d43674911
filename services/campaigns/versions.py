"""Every save of a campaign is an immutable version (UC-CP-02): author, time, a readable
diff against the previous one; a rollback is a new version equal to an old one. Each saved
change is published live to the campaign's topic (open agent pages reload their script)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from services.campaigns.agent_view import agent_campaign_payload
from services.campaigns.assignment import (
    IN_CALL_WARNING, staffed_agents, sync_agents, tenant_agents)
from services.campaigns.config import CHANNEL_LABELS, dialing_problems, normalized, plain_text_of, safe_html
from services.campaigns.forms import FormError, breaking_changes, clean_form
from services.campaigns.store import CampaignError, ConfirmationNeeded, load_campaign
from services.campaigns.timebands import WEEKDAYS, validate_bands
from services.voice.queue_members import queues_changed
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.live import campaign_topic, publish, supervision_topic, user_topic
from services.models.campaigns import Campaign, CampaignStatus, CampaignVersion, FormAnswer
from services.models.columns import utcnow
from services.voice.phone_numbers import tenant_dids
from services.voice.preview import withdraw_offers

_FRAME_LABELS = {"name": "Nom", "description": "Description", "timezone": "Fuseau horaire",
                 "valid_from": "Début de validité", "valid_until": "Fin de validité",
                 "contact_local_time": "Heure locale du contact", "holidays": "Jours fériés",
                 "holiday_country": "Jours fériés du pays", "preset": "Préréglage"}
_TOKEN = re.compile(r"[\w{}%'’€$/-]+|[^\w\s]")  # a date 31/12 stays one word
_SLOT_LABELS = {"enabled": "activé", "mode": "mode", "script": "script", "sender": "expéditeur",
                "text": "texte", "subject": "objet", "html": "contenu",
                "template_id": "modèle", "variables": "variables", "media_url": "média",
                "caller_id": "numéro présenté", "skill": "compétence requise",
                "vip_field": "champ VIP", "max_wait_seconds": "attente maximale"}


@dataclass(frozen=True)
class SaveResult:
    campaign: Campaign
    version: int
    changes: list[str]
    warnings: list[str]


def _short(value) -> str:
    text = plain_text_of(value) if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return (text[:60] + "…") if len(text) > 60 else (text or "(vide)")


class _Words:
    """A text cut into words, each remembering where it stands so a run of them is quoted
    exactly as written (« 31/12 », « 14:30 », « Noël ! »), not re-spaced."""

    def __init__(self, html: str) -> None:
        self.text = plain_text_of(html or "")
        self.matches = list(_TOKEN.finditer(self.text))
        self.tokens = [m.group() for m in self.matches]

    def quote(self, start: int, end: int) -> str:
        return self.text[self.matches[start].start():self.matches[end - 1].end()].strip(" ,.;:")


def _text_change(label: str, old: str, new: str) -> str:
    """A word-level summary of a text edit: what was removed and what was added."""
    a, b = _Words(old), _Words(new)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a.tokens, b=b.tokens,
                                                       autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed.append(a.quote(i1, i2))
        if tag in ("replace", "insert"):
            added.append(b.quote(j1, j2))
    parts = ([f"retiré « {_short(' … '.join(removed))} »"] if removed else []) + (
        [f"ajouté « {_short(' … '.join(added))} »"] if added else [])
    return f"{label} : " + (", ".join(parts) or "mise en forme modifiée") + "."


def diff_lines(old: dict, new: dict) -> list[str]:
    """What changed between two configurations, in sentences a supervisor reads."""
    old, new = normalized(old), normalized(new)
    lines = [f"{label} : {_short(old[k])} → {_short(new[k])}."
             for k, label in _FRAME_LABELS.items() if old[k] != new[k]]
    for day in range(7):
        before, after = old["bands"].get(str(day), ""), new["bands"].get(str(day), "")
        if before != after:
            lines.append(f"Plages du {WEEKDAYS[day].lower()} : {before or 'aucune'} → "
                         f"{after or 'aucune'}.")
    for channel, label in CHANNEL_LABELS.items():
        for key, what in _SLOT_LABELS.items():
            a, b = old["channels"][channel].get(key), new["channels"][channel].get(key)
            if a == b or key not in new["channels"][channel]:
                continue
            if key in ("script", "text", "html"):
                lines.append(_text_change(f"{label}, {what}", a or "", b or ""))
            else:
                lines.append(f"{label}, {what} : {_short(a)} → {_short(b)}.")
    if old["fallbacks"] != new["fallbacks"]:
        lines.append("Canaux de secours modifiés.")
    old_fields = {f["key"]: f for f in old["form"]["fields"]}
    new_fields = {f["key"]: f for f in new["form"]["fields"]}
    lines += [f"Formulaire : champ « {new_fields[k]['label']} » ajouté."
              for k in new_fields.keys() - old_fields.keys()]
    lines += [f"Formulaire : champ « {old_fields[k]['label']} » retiré."
              for k in old_fields.keys() - new_fields.keys()]
    lines += [f"Formulaire : champ « {new_fields[k]['label']} » modifié."
              for k in new_fields.keys() & old_fields.keys() if new_fields[k] != old_fields[k]]
    for key, label in (("codes", "Codes de qualification"), ("agents", "Agents"),
                       ("teams", "Équipes"), ("lists", "Listes d'audience")):
        if old[key] != new[key]:
            lines.append(f"{label} modifiés.")
    return lines or ["Aucun changement."]


def _is_iso_day(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def validated(ctx: AuthContext, config: dict) -> dict:
    """The configuration cleaned for saving; raises CampaignError with every problem."""
    config = normalized(config)
    if not config["name"].strip():
        raise CampaignError("Le nom de la campagne est obligatoire.")
    problems = validate_bands(config) + dialing_problems(config)
    try:
        config["form"] = clean_form(config["form"]["fields"])
    except FormError as exc:
        problems.append(str(exc))
    for key in ("valid_from", "valid_until"):
        if config[key] and not _is_iso_day(config[key]):
            problems.append(f"{_FRAME_LABELS[key]} : saisissez une date jj/mm/aaaa.")
            config[key] = ""
    if config["valid_from"] and config["valid_until"] and \
            config["valid_until"] < config["valid_from"]:
        problems.append("La fin de validité précède son début.")
    if set(config["agents"]) - {a.user_id for a in tenant_agents(ctx)}:
        problems.append("Un agent choisi n'existe pas dans votre instance.")
    caller_id = str(config["channels"]["voice"].get("caller_id") or "").strip()
    config["channels"]["voice"]["caller_id"] = caller_id
    if caller_id and caller_id not in tenant_dids(ctx):
        problems.append("Le numéro présenté doit être un des numéros de votre instance (Paramètres).")
    if problems:
        raise CampaignError(" ".join(problems))
    config["name"] = config["name"].strip()[:200]
    for channel, key in (("voice", "script"), ("email", "html")):
        config["channels"][channel][key] = safe_html(config["channels"][channel][key])
    return config


def save_campaign(ctx: AuthContext, campaign_id: int, config: dict, *,
                  confirm_breaking: bool = False, note: str = "") -> SaveResult:
    """"Appliquer les modifications": a new version, the campaign keeps running."""
    access_area(ctx, "campaigns")
    config = validated(ctx, config)
    with tenant_session(ctx) as session:
        campaign = load_campaign(session, campaign_id, for_update=True)
        if campaign.status == CampaignStatus.ARCHIVEE.value:
            raise CampaignError("Une campagne archivée ne se modifie plus.")
        counts = dict(session.exec(select(FormAnswer.field_key, func.count()).where(
            FormAnswer.campaign_id == campaign_id).group_by(FormAnswer.field_key)).all())
        breaking = breaking_changes(campaign.config.get("form", {}), config["form"], counts)
        if breaking and not confirm_breaking:
            raise ConfirmationNeeded([b.sentence() for b in breaking])
        changes = diff_lines(campaign.config, config)
        moved = set(campaign.config.get("agents", [])) ^ set(config["agents"])
        staffed_before = set(staffed_agents(session, campaign.config))
        campaign.version += 1
        campaign.config, campaign.name, campaign.updated_at = config, config["name"], utcnow()
        session.add(campaign)
        session.add(CampaignVersion(campaign_id=campaign_id, number=campaign.version,
                                    config=config, changes=changes, author_id=ctx.user_id,
                                    author_name=ctx.full_name, note=note[:300]))
        staffed = staffed_agents(session, config)
        busy = sync_agents(session, ctx.tenant_id, campaign_id, staffed)
    publish(campaign_topic(ctx.tenant_id, campaign_id), "campaign_changed",
            campaign_id=campaign_id, version=campaign.version,
            campaign=agent_campaign_payload(ctx.tenant_id, campaign))
    queues_changed(ctx.tenant_slug, config)
    for user_id in sorted(moved):  # agents added or removed: their pages learn it too
        publish(user_topic(ctx.tenant_id, user_id), "campaign_changed", campaign_id=campaign_id)
    if moved:                      # who works on what: the supervision pages too
        publish(supervision_topic(ctx.tenant_id), "campaign_status", campaign_id=campaign_id,
                status=campaign.status)
    left = staffed_before - set(staffed)
    if left:                       # a record offered to an agent taken off goes back to the others
        withdraw_offers(ctx.tenant_id, campaign_id, left)
    warnings = [IN_CALL_WARNING.format(n=len(busy))] if busy else []
    return SaveResult(campaign, campaign.version, changes, warnings)


def _version(ctx: AuthContext, campaign_id: int, number: int) -> tuple[Campaign, CampaignVersion]:
    with tenant_session(ctx) as session:
        campaign = load_campaign(session, campaign_id)
        old = session.exec(select(CampaignVersion).where(
            CampaignVersion.campaign_id == campaign_id, CampaignVersion.number == number)).first()
    if old is None:
        raise CampaignError("Version introuvable.")
    return campaign, old


def rollback_preview(ctx: AuthContext, campaign_id: int, number: int) -> list[str]:
    """What going back to version `number` changes in the campaign as it runs now."""
    access_area(ctx, "campaigns")
    campaign, old = _version(ctx, campaign_id, number)
    return diff_lines(campaign.config, old.config)


def rollback_campaign(ctx: AuthContext, campaign_id: int, number: int) -> SaveResult:
    """After confirmation: a new version equal to version `number` (answers are never deleted)."""
    access_area(ctx, "campaigns")
    _, old = _version(ctx, campaign_id, number)
    return save_campaign(ctx, campaign_id, old.config, confirm_breaking=True,
                         note=f"Retour à la version {number}")


def campaign_history(ctx: AuthContext, campaign_id: int) -> list[CampaignVersion]:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        load_campaign(session, campaign_id)
        return list(session.exec(select(CampaignVersion).where(
            CampaignVersion.campaign_id == campaign_id).order_by(CampaignVersion.number.desc())))
