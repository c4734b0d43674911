"""What the campaign wizard offers to choose from: agents, teams, ready lists, approved
WhatsApp templates, the {Variables} contacts can fill, and the SMS unit price."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.audience.mapping import STANDARD_FIELDS
from services.billing.prices import price_list
from services.billing.wallet import wallet_of
from services.campaigns.assignment import AgentRow, tenant_agents
from services.campaigns.whatsapp_templates import list_templates, placeholders
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.audience import ContactList, CustomField, ListStatus
from services.models.tenant import Team
from services.models.voice import AgentSkill
from services.voice.phone_numbers import tenant_dids


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    detail: str = ""


@dataclass(frozen=True)
class WizardChoices:
    agents: list[AgentRow]
    teams: list[Choice]
    lists: list[Choice]
    templates: list[Choice]  # detail = body
    template_slots: dict[int, list[int]]
    fields: list[str]
    sms_price: int
    currency: str
    numbers: list[str]       # the tenant's DIDs, one of which the voice slot may show as caller ID
    skills: list[str]        # the skills agents have, one of which the campaign's queue may ask for


def wizard_choices(ctx: AuthContext) -> WizardChoices:
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        teams = [Choice(t.id, t.name) for t in session.exec(select(Team).order_by(Team.name))]
        lists = list(session.exec(select(ContactList).where(
            ContactList.status == ListStatus.PRETE.value).order_by(ContactList.name)))
        custom = list(session.exec(select(CustomField.name).order_by(CustomField.name)))
        skills = list(session.exec(select(AgentSkill.skill).distinct().order_by(AgentSkill.skill)))
    fields = list(dict.fromkeys([*STANDARD_FIELDS, *custom,
                                 *(k for cl in lists for k in (cl.mapping or {}))]))
    templates = list_templates(ctx, approved_only=True)
    wallet = wallet_of(ctx.tenant_id)
    currency = wallet.currency if wallet else "XAF"
    return WizardChoices(
        agents=tenant_agents(ctx), teams=teams,
        lists=[Choice(cl.id, cl.name, f"{cl.accepted} contacts") for cl in lists],
        templates=[Choice(t.id, f"{t.name} ({t.language})", t.body) for t in templates],
        template_slots={t.id: placeholders(t.body) for t in templates},
        fields=fields, sms_price=price_list(currency).get("sms", 0), currency=currency,
        numbers=tenant_dids(ctx), skills=skills)
