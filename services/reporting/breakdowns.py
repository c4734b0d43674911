"""The dashboard's breakdowns: per agent, per hour of the day, per qualification code."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlmodel import col

from services.db.engine import platform_session
from services.models.campaigns import Campaign
from services.models.platform import User
from services.reporting.figures import OutcomeRates, percent
from services.reporting.periods import Period
from services.reporting.rollup import Rollup
from services.reporting.scope import COMMENT_KEY, I, Scope

COMMENTS_SHOWN = 200


@dataclass
class AgentRow:
    agent_id: int
    name: str
    calls: int
    talked: int
    talk_seconds: float
    dmt_seconds: float | None
    successes: int

    @property
    def success_rate(self) -> float | None:
        return percent(self.successes, self.talked)


@dataclass
class HourRow:
    hour: int  # 0..23 in the scope's zone
    calls: int = 0
    messages: int = 0


@dataclass
class CodeRow:
    code: str
    count: int
    share: float | None


@dataclass
class CampaignRow(OutcomeRates):
    campaign_id: int
    name: str
    status: str
    volume: int
    calls: int
    messages: int
    attempted: int
    reached: int
    successes: int
    cost: int


@dataclass
class Comment:
    interaction_id: int
    code: str
    agent: str
    text: str
    at: object  # datetime (UTC)


def agent_names(ids) -> dict[int, str]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    with platform_session() as session:
        rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(ids)))
        return {uid: name for uid, name in rows}


def agent_rows(measures: Rollup, names: dict[int, str] | None = None) -> list[AgentRow]:
    """The calls of each agent (calls without an agent are left out)."""
    rows = {agent: m for agent, m in measures.agent.items() if agent is not None}
    names = agent_names(rows) if names is None else names
    result = [AgentRow(agent, names.get(agent, f"Agent {agent}"), m["calls"], m["calls_talked"],
                       m["talk_sum"], m["dmt_sum"] / m["calls_talked"] if m["calls_talked"]
                       else None, m["successes"])
              for agent, m in rows.items()]
    return sorted(result, key=lambda r: (-r.calls, r.name))


def hour_rows(measures: Rollup) -> list[HourRow]:
    return [HourRow(h, m["calls"], m["volume"] - m["calls"]) if (m := measures.hour.get(h))
            else HourRow(h) for h in range(24)]


def campaign_rows(session, measures: Rollup) -> list[CampaignRow]:
    """Every campaign of the tenant (archived ones too), busiest first, idle ones at 0."""
    c = Campaign.__table__.c
    rows = []
    for campaign_id, name, status in session.execute(select(c.id, c.name, c.status)):
        m = measures.campaign.get(campaign_id)
        rows.append(CampaignRow(campaign_id, name, status, *(
            (m["volume"], m["calls"], m["volume"] - m["calls"], m["attempted"], m["reached"],
             m["successes"], m["cost"]) if m else (0,) * 7)))
    return sorted(rows, key=lambda r: (-r.volume, r.name))


def code_rows(measures: Rollup) -> list[CodeRow]:
    rows = [(code, m["volume"]) for code, m in measures.code.items() if code]
    total = sum(n for _, n in rows)
    return sorted((CodeRow(code, n, percent(n, total)) for code, n in rows),
                  key=lambda r: (-r.count, r.code))


def comments(session, scope: Scope, period: Period, names: dict[int, str] | None = None,
             limit: int = COMMENTS_SHOWN) -> list[Comment]:
    text = I.form_answers[COMMENT_KEY].astext
    query = (select(I.id, I.qualification, I.agent_id, text, I.queued_at)
             .where(scope.where(period), and_(text.isnot(None), text != ""))
             .order_by(I.queued_at.desc(), I.id.desc()).limit(limit))
    rows = session.execute(query).all()
    names = agent_names(r[2] for r in rows) if names is None else names
    return [Comment(i, code, names.get(agent, ""), body, at) for i, code, agent, body, at in rows]
