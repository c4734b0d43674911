"""The tenant's WhatsApp template registry: written here, submitted to Meta for review
(`submit_template`), its status set by Meta's template status webhook (`apply_meta_decision`)
or recorded by hand, and filled for a contact when a campaign sends it (`filled`).

Validation follows Meta's rules for message templates: the name is lowercase letters,
digits and underscores (≤ 512); the body ≤ 1024 characters; placeholders are {{1}}, {{2}}...
numbered from 1 without gaps, and the body neither starts nor ends with one.
(https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates)
"""
from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.identity.system import system_context
from services.models.campaigns import TemplateStatus, WhatsAppTemplate

CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")
_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\d+)\s*\}\}")


class TemplateError(ValueError):
    pass


def placeholders(body: str) -> list[int]:
    return sorted({int(n) for n in _PLACEHOLDER.findall(body or "")})


def template_problems(name: str, language: str, category: str, body: str) -> list[str]:
    problems = []
    if not _NAME.match(name or ""):
        problems.append("Nom : lettres minuscules, chiffres et « _ » uniquement.")
    if not _LANGUAGE.match(language or ""):
        problems.append("Langue : un code comme fr, en ou en_US.")
    if category not in CATEGORIES:
        problems.append("Catégorie : Marketing, Utilitaire ou Authentification.")
    body = (body or "").strip()
    if not body:
        problems.append("Le corps du modèle est vide.")
    elif len(body) > 1024:
        problems.append("Le corps dépasse 1024 caractères.")
    numbers = placeholders(body)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        problems.append("Les variables doivent se suivre : {{1}}, {{2}}, {{3}}…")
    if body and (_PLACEHOLDER.match(body) or re.search(r"\{\{\s*\d+\s*\}\}$", body)):
        problems.append("Le corps ne peut ni commencer ni finir par une variable.")
    if re.search(r"\{\{(?!\s*\d+\s*\}\})", body):
        problems.append("Variable mal écrite : utilisez {{1}}, {{2}}…")
    return problems


def add_template(ctx: AuthContext, name: str, language: str, category: str,
                 body: str) -> WhatsAppTemplate:
    access_area(ctx, "campaigns")
    problems = template_problems(name, language, category, body)
    if problems:
        raise TemplateError(" ".join(problems))
    template = WhatsAppTemplate(name=name, language=language, category=category,
                                body=body.strip(), status=TemplateStatus.PENDING.value)
    try:
        with tenant_session(ctx) as session:
            session.add(template)
    except IntegrityError as exc:
        raise TemplateError(f"Le modèle « {name} » ({language}) existe déjà.") from exc
    return template


def set_template_status(ctx: AuthContext, template_id: int, status: TemplateStatus,
                        reason: str = "") -> WhatsAppTemplate:
    """Meta's decision (later from its webhook); also the supervisor's manual record."""
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        template = session.get(WhatsAppTemplate, template_id)
        if template is None:
            raise TemplateError("Modèle introuvable.")
        template.status, template.rejection_reason = status.value, reason[:500]
        session.add(template)
    return template


def list_templates(ctx: AuthContext, approved_only: bool = False) -> list[WhatsAppTemplate]:
    access_area(ctx, "campaigns")
    query = select(WhatsAppTemplate).order_by(WhatsAppTemplate.name, WhatsAppTemplate.language)
    if approved_only:
        query = query.where(WhatsAppTemplate.status == TemplateStatus.APPROVED.value)
    with tenant_session(ctx) as session:
        return list(session.exec(query))


def filled(body: str, variables: dict, values: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """The template's text for one contact and the values of its {{1}}, {{2}}... in order;
    `variables` maps each number to a contact field ({"1": "Nom"}). Raises MissingValue."""
    from services.messaging.personalise import MissingValue

    numbers = placeholders(body)
    fields = [str((variables or {}).get(str(n), "")) for n in numbers]
    missing = [f or "{{%d}}" % n for n, f in zip(numbers, fields) if not values.get(f)]
    if missing:
        raise MissingValue(missing)
    parameters = tuple(values[f] for f in fields)
    text = _PLACEHOLDER.sub(lambda m: parameters[numbers.index(int(m.group(1)))], body)
    return text, parameters


def submit_template(ctx: AuthContext, template_id: int) -> WhatsAppTemplate:
    """Send the template to Meta for review; it stays PENDING until Meta's webhook decides."""
    from services.providers.whatsapp import WhatsAppError
    from services.providers.whatsapp.cloud_api import CloudApiGateway

    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        template = session.get(WhatsAppTemplate, template_id)
        if template is None:
            raise TemplateError("Modèle introuvable.")
        name, language, category, body = (template.name, template.language, template.category,
                                          template.body)
    examples = [f"exemple{n}" for n in placeholders(body)]
    try:
        meta_id, status = CloudApiGateway.for_tenant(ctx.tenant_id).submit_template(
            name, language, category, body, examples)
    except WhatsAppError as exc:
        raise TemplateError(f"Meta a refusé la soumission : {exc}") from exc
    with tenant_session(ctx) as session:
        template = session.get(WhatsAppTemplate, template_id)
        template.meta_template_id = meta_id
        template.status = status if status in TemplateStatus.__members__ \
            else TemplateStatus.PENDING.value
        template.rejection_reason = ""
        session.add(template)
    return template


# Meta's template events -> the registry's status (PAUSED, DISABLED... stop sending too)
META_EVENTS = {"APPROVED": TemplateStatus.APPROVED, "REJECTED": TemplateStatus.REJECTED,
               "PENDING": TemplateStatus.PENDING, "DISABLED": TemplateStatus.REJECTED,
               "PAUSED": TemplateStatus.REJECTED, "PENDING_DELETION": TemplateStatus.REJECTED,
               "FLAGGED": TemplateStatus.APPROVED, "REINSTATED": TemplateStatus.APPROVED}


def apply_meta_decision(tenant_id: int, meta_template_id: str, event: str,
                        reason: str = "") -> bool:
    """Meta's template status webhook for one tenant; False when the template is not its."""
    status = META_EVENTS.get((event or "").upper())
    if status is None or not meta_template_id:
        return False
    with tenant_session(system_context(tenant_id)) as session:
        template = session.exec(select(WhatsAppTemplate).where(
            WhatsAppTemplate.meta_template_id == meta_template_id)).first()
        if template is None:
            return False
        template.status = status.value
        template.rejection_reason = "" if status != TemplateStatus.REJECTED \
            else f"Meta : {event.upper()} ({reason or 'sans motif'})"[:500]
        session.add(template)
    return True
