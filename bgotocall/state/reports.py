"""The campaign data page (UC-CP-05/06): period, summary, charts, agents, journal, codes.

Every handler checks the role (area "campaigns") and reads through services/reporting, which
binds the tenant: a campaign id of another tenant is "not found" and sends back to the list.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from zoneinfo import ZoneInfo

import reflex as rx

from bgotocall.state.session import SessionState
from services.campaigns.lifecycle import STATUS_LABELS as CAMPAIGN_STATUS
from services.reporting import text
from services.reporting.dashboard import campaign_dashboard
from services.reporting.figures import ChannelFunnel
from services.reporting.journal import CHANNEL_LABELS, JournalError, JournalFilter, journal_page
from services.reporting.periods import PeriodError, period
from services.reporting.scope import ReportNotFound

REPORTS_PAGE = "/campagnes/rapports"
STATISTICS_PAGE = "/statistiques"
ALL = "all"


@dataclasses.dataclass
class AgentView:
    name: str
    calls: int
    talked: int
    talk: str
    dmt: str
    success: str


@dataclasses.dataclass
class CommentView:
    interaction_id: int
    code: str
    agent: str
    text: str
    at: str


@dataclasses.dataclass
class FunnelView:
    """A channel's messages (services.reporting.figures.ChannelFunnel), here and on « Envois »."""
    channel: str
    sent: int
    delivered: int
    read: int
    clicked: int
    failed: int
    opted_out: int
    cancelled: int
    waiting: int
    total: int
    progress: int


def funnel_views(funnel: list[ChannelFunnel]) -> list[FunnelView]:
    return [FunnelView(**{**dataclasses.asdict(x), "progress": x.progress,
                          "channel": CHANNEL_LABELS.get(x.channel, x.channel)}) for x in funnel]


@dataclasses.dataclass
class CampaignView:
    id: int
    name: str
    status: str
    volume: int
    calls: int
    messages: int
    reached: str
    success: str
    cost: str
    url: str


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ReportsState(SessionState):
    campaign_id: int = 0
    tenant_wide: bool = False  # the statistics page: every campaign of the tenant
    campaign_table: list[CampaignView] = []
    title: str = ""
    period_kind: str = "today"
    custom_from: str = ""
    custom_to: str = ""
    period_error: str = ""
    summary: dict[str, str] = {}
    hours: list[dict[str, int | str]] = []
    codes: list[dict[str, int | str]] = []
    funnel: list[FunnelView] = []
    funnel_chart: list[dict[str, int | str]] = []
    agents: list[AgentView] = []
    comments: list[CommentView] = []
    # journal
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    sort: str = "date"
    descending: bool = True
    f_agent: str = ALL
    f_code: str = ALL
    f_channel: str = ALL
    f_status: str = ALL
    f_from: str = ""
    f_to: str = ""
    code_options: list[str] = []
    agent_options: list[list[str]] = []  # [id, name]

    @rx.var
    def synthesis_url(self) -> str:
        dates = (f"&du={self.custom_from}&au={self.custom_to}"
                 if self.period_kind == "custom" else "")
        return f"/api/rapports/synthese/{self.campaign_id}?periode={self.period_kind}{dates}"

    @rx.event
    def open_reports(self):
        self.campaign_id, redirect = self._enter_campaign_page()
        if redirect:
            return redirect
        self.page, self.period_error, self.tenant_wide = 1, "", False
        return self._load()

    @rx.event
    def open_statistics(self):
        """The tenant's statistics page: the same figures and charts over all campaigns."""
        redirect = self._enter("campaigns")
        if redirect:
            return redirect
        self.campaign_id, self.tenant_wide, self.period_error = 0, True, ""
        self.rows, self.total = [], 0
        return self._load()

    def _period_of(self):
        kind = self.period_kind
        first, last = _day(self.custom_from), _day(self.custom_to)
        return lambda zone: period(kind, zone, first_day=first, last_day=last)

    def _load(self):
        ctx = self._authorize("campaigns", "read campaign report")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            board = campaign_dashboard(ctx, None if self.tenant_wide else self.campaign_id,
                                       self._period_of())
        except ReportNotFound:
            return rx.redirect("/campagnes")
        except PeriodError as exc:
            self.period_error = str(exc)
            return None
        self.period_error = ""
        f = board.figures
        self.title = f.title
        self.summary = text.summary(f)
        self.hours = [{"heure": f"{h.hour:02d}h", "appels": h.calls, "messages": h.messages}
                      for h in board.hours]
        self.codes = [{"code": c.code, "nombre": c.count, "part": text.pct(c.share)}
                      for c in board.codes]
        self.funnel = funnel_views(f.funnel)
        stages = (("Envoyés", "sent"), ("Délivrés", "delivered"), ("Lus", "read"),
                  ("Cliqués", "clicked"))
        totals = [(label, sum(getattr(x, key) for x in f.funnel)) for label, key in stages]
        self.funnel_chart = [{"etape": label, "valeur": n, "libelle": f"{label} : {n}"}
                             for label, n in totals]
        self.agents = [AgentView(a.name, a.calls, a.talked, text.duration(a.talk_seconds),
                                 text.duration(a.dmt_seconds), text.pct(a.success_rate))
                       for a in board.agents]
        self.comments = [CommentView(c.interaction_id, c.code, c.agent, c.text,
                                     f"{c.at.astimezone(ZoneInfo(board.zone)):%d/%m/%Y %H:%M}")
                         for c in board.comments]
        self.code_options = board.filter_codes
        self.agent_options = [[str(i), name] for i, name in board.filter_agents]
        if self.tenant_wide:  # no journal there: each campaign's own page has it
            self.campaign_table = [
                CampaignView(c.campaign_id, c.name, CAMPAIGN_STATUS.get(c.status, c.status),
                             c.volume, c.calls, c.messages, text.pct(c.reached_rate),
                             text.pct(c.success_rate), text.costs({currency: c.cost})
                             if (currency := next(iter(f.costs), "")) else text.number(c.cost),
                             f"{REPORTS_PAGE}?id={c.campaign_id}")
                for c in board.campaigns]
            return None
        return self._load_journal(ctx)

    def _filters(self) -> JournalFilter:
        agent = int(self.f_agent) if self.f_agent.isdigit() else None
        pick = lambda v: "" if v == ALL else v  # noqa: E731
        return JournalFilter(_day(self.f_from), _day(self.f_to), agent, pick(self.f_code),
                             pick(self.f_channel), pick(self.f_status))

    def _load_journal(self, ctx=None):
        ctx = ctx or self._authorize("campaigns", "read campaign journal")
        if ctx is None:
            return rx.redirect("/interdit")
        try:
            found = journal_page(ctx, self.campaign_id, self._filters(), self.sort,
                                 self.descending, self.page, 25)
        except ReportNotFound:
            return rx.redirect("/campagnes")
        except JournalError as exc:
            return rx.toast.error(str(exc))
        self.rows = [{k: str(v) for k, v in row.items()} for row in found.rows]
        self.total, self.page, self.pages = found.total, found.page, found.pages
        return None

    @rx.event
    def set_period(self, kind: str | list[str]):
        kind = kind if isinstance(kind, str) else (kind[0] if kind else "")
        if kind in ("today", "7d", "month", "custom"):
            self.period_kind = kind
            if kind != "custom":
                return self._load()
        return None

    @rx.event
    def apply_custom(self, form: dict):
        self.custom_from, self.custom_to = form.get("from", ""), form.get("to", "")
        self.period_kind = "custom"
        return self._load()

    @rx.event
    def set_filter(self, name: str, value: str):
        if name in ("f_agent", "f_code", "f_channel", "f_status", "f_from", "f_to"):
            setattr(self, name, value[:60])
            self.page = 1
            return self._load_journal()
        return None

    @rx.event
    def sort_by(self, key: str):
        self.descending = not self.descending if key == self.sort else True
        self.sort = key
        return self._load_journal()

    @rx.event
    def go_page(self, delta: int):
        self.page = max(1, min(self.pages, self.page + delta))
        return self._load_journal()

