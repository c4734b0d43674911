"""The tenant's WhatsApp template registry (submission to Meta comes with messaging).

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
