"""Everything the campaign data page reads when it opens or changes period, in one tenant
session: the figures, the per-agent table, the hours, the codes, the latest comments and
the journal filters' choices."""
from __future__ import annotations

from dataclasses import dataclass

from services.reporting.breakdowns import (
    AgentRow, CampaignRow, CodeRow, Comment, HourRow, agent_rows, campaign_rows, code_rows,
    comments, hour_rows,
)
from services.reporting.figures import SLA_SECONDS, Figures, _processed, figures_from
from services.reporting.journal import filter_choices
from services.reporting.rollup import rollup
from services.reporting.scope import report_scope


@dataclass
class Dashboard:
    figures: Figures
    agents: list[AgentRow]
    hours: list[HourRow]
    codes: list[CodeRow]
    comments: list[Comment]
    zone: str
    filter_codes: list[str]  # the journal's filter choices
    filter_agents: list[tuple[int, str]]
    campaigns: list[CampaignRow]  # the whole tenant's report only


def campaign_dashboard(ctx, campaign_id: int | None, period_of) -> Dashboard:
    """`campaign_id` None: the whole tenant. `period_of(zone)` gives the period."""
    with report_scope(ctx, campaign_id) as (session, scope):
        period = period_of(scope.zone)
        codes, agents = filter_choices(session, scope)  # every agent of the campaign, named
        names = dict(agents)
        measures = rollup(session, scope, period, SLA_SECONDS)
        figures = figures_from(scope, period, SLA_SECONDS, measures, _processed(session, scope))
        return Dashboard(figures, agent_rows(measures, names), hour_rows(measures),
                         code_rows(measures), comments(session, scope, period, names),
                         scope.zone, codes, agents,
                         campaign_rows(session, measures) if campaign_id is None else [])
