"""The dashboard's breakdowns: per agent, per hour of the day, per qualification code."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlmodel import col

from services.db.engine import platform_session
from services.models.platform import User
from services.reporting.figures import _count, _success, is_call, percent, talk, talked, wrap_up
from services.reporting.periods import Period
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


def agent_rows(session, scope: Scope, period: Period,
               names: dict[int, str] | None = None) -> list[AgentRow]:
    query = select(
        I.agent_id, func.count(), _count(talked),
        func.coalesce(func.sum(talk).filter(talked), 0),
        func.avg(talk + wrap_up).filter(talked), _count(_success(scope)),
    ).where(scope.where(period), is_call, I.agent_id.isnot(None)).group_by(I.agent_id)
    rows = session.execute(query).all()
    names = agent_names(r[0] for r in rows) if names is None else names
    result = [AgentRow(agent, names.get(agent, f"Agent {agent}"), calls, n_talked,
                       float(total), None if dmt is None else float(dmt), successes)
              for agent, calls, n_talked, total, dmt, successes in rows]
    return sorted(result, key=lambda r: (-r.calls, r.name))


def hour_rows(session, scope: Scope, period: Period) -> list[HourRow]:
    hour = func.extract("hour", func.timezone(scope.zone, I.queued_at))
    query = (select(hour, _count(is_call), _count(~is_call))
             .where(scope.where(period)).group_by(hour))
    found = {int(h): HourRow(int(h), calls, messages)
             for h, calls, messages in session.execute(query)}
    return [found.get(h, HourRow(h)) for h in range(24)]


def code_rows(session, scope: Scope, period: Period) -> list[CodeRow]:
    query = (select(I.qualification, func.count())
             .where(scope.where(period), I.qualification != "").group_by(I.qualification))
    rows = session.execute(query).all()
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
