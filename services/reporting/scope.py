"""What a report is about: one campaign (archived ones included) or the whole tenant.

Every reporting function starts here: the caller's role is checked (supervisor or admin),
the session is bound to the caller's tenant, and a campaign of another tenant is simply not
found — the same answer as a campaign that does not exist.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import and_, func, select
from sqlmodel import Session

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import access_area
from services.models.campaigns import Campaign
from services.models.interactions import Interaction
from services.models.platform import Tenant
from services.reporting.periods import Period, checked_zone, zone_of_country

DEFAULT_SUCCESS_CODES = ("VENTE",)
COMMENT_KEY = "comment"  # the agent's free comment, kept in the interaction's form answers
T = Interaction.__table__
I = T.c


class ReportNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Scope:
    campaign_id: int | None
    title: str
    zone: str
    contacts_total: int
    success_codes: tuple[str, ...]
    form_fields: tuple[tuple[str, str], ...] = ()  # (key, label) of the campaign's form

    def where(self, period: Period | None = None):
        """The interactions of this scope (and period): a WHERE clause on the interaction."""
        clauses = [] if self.campaign_id is None else [I.campaign_id == self.campaign_id]
        if period is not None:
            clauses += [I.queued_at >= period.start, I.queued_at < period.end]
        return and_(True, *clauses)


def success_codes(config: dict) -> tuple[str, ...]:
    """Codes flagged {"success": true} in the campaign's configuration, else VENTE."""
    flagged = tuple(c["code"] for c in (config or {}).get("codes", []) if c.get("success"))
    return flagged or DEFAULT_SUCCESS_CODES


def _campaign_scope(session: Session, campaign_id: int) -> Scope:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ReportNotFound("Campagne introuvable.")
    config = campaign.config or {}
    fields = tuple((f["key"], f.get("label") or f["key"])
                   for f in config.get("form", {}).get("fields", []) if f.get("key"))
    return Scope(campaign.id, campaign.name, checked_zone(config.get("timezone") or "UTC"),
                 campaign.contacts_total, success_codes(config), fields)


def _tenant_scope(session: Session, tenant_id: int) -> Scope:
    with platform_session() as platform:
        tenant = platform.get(Tenant, tenant_id)
    configs = session.exec(select(Campaign.config)).scalars().all()
    total = session.exec(select(func.coalesce(func.sum(Campaign.contacts_total), 0))).scalar()
    codes = sorted({code for config in configs for code in success_codes(config)})
    return Scope(None, tenant.name, zone_of_country(tenant.country), int(total),
                 tuple(codes) or DEFAULT_SUCCESS_CODES)


@contextmanager
def report_scope(ctx, campaign_id: int | None) -> Iterator[tuple[Session, Scope]]:
    """A tenant session and the scope (campaign_id None: the whole tenant)."""
    access_area(ctx, "campaigns")
    with tenant_session(ctx) as session:
        scope = (_tenant_scope(session, ctx.tenant_id) if campaign_id is None
                 else _campaign_scope(session, campaign_id))
        yield session, scope
