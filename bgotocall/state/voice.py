"""Agents, live supervision, coaching and the agent's own state (voice pages)."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.enrolment import EnrolmentMixin
from bgotocall.state.session import SessionState
from services.tenant_settings import pause_reasons
from services.voice.availability import become_ready, take_break
from services.voice.coaching import CoachingError, coaching_session, start_coaching, stop_coaching
from services.voice.commands import PbxUnavailable
from services.voice.directory import agents_overview
from services.voice.presence import agent_state_record
from services.voice.skills import SkillError, agent_teams_and_skills, set_agent_skill, set_agent_teams

STATES = ["READY", "RINGING", "IN_CALL", "WRAP_UP", "PAUSED", "LOGGED_OUT"]


@dataclasses.dataclass
class TeamChoice:
    id: int
    name: str
    member: bool


@dataclasses.dataclass
class SkillItem:
    skill: str
    level: int


@dataclasses.dataclass
class AgentItem:
    user_id: int
    full_name: str
    login: str
    extension: str
    state: str
    teams: str
    skills: str
    since: float
    reason: str = ""       # why the agent is paused
    campaign: str = ""     # the call's campaign, else the live campaigns the agent works on
    caller: str = ""       # who the agent is talking to
    staffed: str = ""


def _item(row) -> AgentItem:
    staffed = ", ".join(row.campaigns)
    return AgentItem(row.user_id, row.full_name, row.login, row.extension or "—", row.state,
                     ", ".join(row.teams) or "—", ", ".join(row.skills) or "—", row.since,
                     row.reason, row.campaign or staffed, row.caller, staffed)


def changed_item(item: AgentItem, change: dict) -> AgentItem:
    """The agent's row after a state change; an older change than the row's (events of one
    agent handled by two web workers at once) leaves it as it is."""
    since = change.get("since", 0.0)
    if since < item.since:
        return item
    return dataclasses.replace(item, state=change["state"], since=since, reason=change.get("reason", ""),
                               campaign=change.get("campaign") or item.staffed,
                               caller=change.get("caller", ""))


@receives("agent_state", "spy")
class VoiceState(EnrolmentMixin, SessionState):
    agents: list[AgentItem] = []
    licences_used: int = 0
    licences: int = 0
    search: str = ""
    state_filter: str = "all"
    me: int = 0
    my_state: str = "LOGGED_OUT"
    my_since: float = 0.0
    pause_reasons: list[str] = []
    coaching_mode: str = ""
    coaching_agent: str = ""
    coaching_live: bool = False
    edit_open: bool = False
    edit_id: int = 0
    edit_name: str = ""
    team_choices: list[TeamChoice] = []
    skill_items: list[SkillItem] = []
    _row_of: dict[int, int] = {}          # agent user id -> index in `agents`

    # ---- live ---------------------------------------------------------------------------------------
    def _on_live(self, event) -> None:
        data = event.data
        if event.kind == "agent_state":
            user, since = data.get("user_id"), data.get("since", 0.0)
            if user == self.me and since >= self.my_since:
                self.my_state, self.my_since = data["state"], since
            at = self._row_of.get(user)
            if at is not None and at < len(self.agents) and self.agents[at].user_id == user:
                row = self.agents[at]
                fresh = changed_item(row, data)
                if fresh is not row:
                    self.agents[at] = fresh        # one row: the others are not rebuilt
        elif event.kind == "spy" and data.get("supervisor_user_id") == self.me:
            self.coaching_live = bool(data.get("active"))
            if not data.get("active"):
                self.coaching_mode, self.coaching_agent = "", ""

    # ---- agents page --------------------------------------------------------------------------------
    @rx.var
    def shown_agents(self) -> list[AgentItem]:
        needle = self.search.strip().lower()
        return [a for a in self.agents
                if (self.state_filter == "all" or a.state == self.state_filter)
                and (not needle or needle in f"{a.full_name} {a.login} {a.extension}".lower())]

    @rx.var
    def licences_full(self) -> bool:
        return self.licences_used >= self.licences

    def _refresh(self, ctx) -> None:
        overview = agents_overview(ctx)
        self.me = ctx.user_id
        self.agents = [_item(row) for row in overview.agents]
        self._row_of = {a.user_id: i for i, a in enumerate(self.agents)}
        self.licences_used, self.licences = overview.licences_used, overview.licences

    @rx.event
    def load_agents(self):
        ctx = self._authorize("teams", "list_agents")
        if ctx:
            self._refresh(ctx)
            session = coaching_session(ctx)
            self.coaching_mode = session["mode"] if session else ""
            self.coaching_live = bool(session and session.get("active"))

    @rx.event
    def set_search(self, value: str):
        self.search = value

    @rx.event
    def set_state_filter(self, value: str):
        self.state_filter = value

    # ---- live supervision and coaching -------------------------------------------------------------
    @rx.event
    def coach(self, user_id: int, name: str, mode: str):
        ctx = self._authorize("supervision", f"coach_{mode}")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            start_coaching(ctx, user_id, mode)
        except (CoachingError, PbxUnavailable) as error:
            return rx.toast.error(str(error))
        self.coaching_mode, self.coaching_agent, self.coaching_live = mode, name, False
        return rx.toast.info("Votre téléphone sonne : décrochez pour commencer.")

    @rx.event
    def stop_coach(self):
        ctx = self._authorize("supervision", "coach_stop")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            stop_coaching(ctx)
        except PbxUnavailable as error:
            return rx.toast.error(str(error))
        self.coaching_mode, self.coaching_agent, self.coaching_live = "", "", False
        return rx.toast.success("Écoute terminée.")

    # ---- the agent's own status bar ----------------------------------------------------------------
    @rx.event
    def load_my_state(self):
        ctx = self._authorize("agent_panel", "my_state")
        if ctx:
            self.me = ctx.user_id
            mine = agent_state_record(ctx.tenant_id, ctx.user_id)
            self.my_state, self.my_since = mine.get("state", "LOGGED_OUT"), mine.get("since", 0.0)
            self.pause_reasons = pause_reasons(ctx)

    @rx.event
    def load_pause_reasons(self, opened: bool):
        """Read again each time the break menu opens: Paramètres may have changed them."""
        ctx = self._authorize("agent_panel", "pause_reasons")
        if ctx and opened:
            self.pause_reasons = pause_reasons(ctx)

    @rx.event
    def take_break(self, reason: str):
        ctx = self._authorize("agent_panel", "take_break")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            take_break(ctx, reason)
        except (LookupError, ValueError, PbxUnavailable) as error:
            return rx.toast.error(str(error))
        return rx.toast.info(f"Pause : {reason}. Aucun appel ne vous sera distribué.")

    @rx.event
    def become_ready(self):
        ctx = self._authorize("agent_panel", "become_ready")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            become_ready(ctx)
        except (LookupError, PbxUnavailable) as error:
            return rx.toast.error(str(error))
        return None

    # ---- teams and skills of one agent --------------------------------------------------------------
    def _load_profile(self, ctx) -> None:
        teams, skills = agent_teams_and_skills(ctx, self.edit_id)
        self.team_choices = [TeamChoice(*t) for t in teams]
        self.skill_items = [SkillItem(*s) for s in skills]

    @rx.event
    def open_profile(self, user_id: int, name: str):
        ctx = self._authorize("teams", "agent_profile")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        self.edit_id, self.edit_name, self.errors = user_id, name, {}
        self._load_profile(ctx)
        self.edit_open = True
        return None

    @rx.event
    def set_edit_open(self, value: bool):
        self.edit_open = value

    @rx.event
    def toggle_team(self, team_id: int, member: bool):
        ctx = self._authorize("teams", "set_agent_teams")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        wanted = [t.id for t in self.team_choices if (t.member and t.id != team_id)] + ([team_id] if member else [])
        set_agent_teams(ctx, self.edit_id, wanted)
        self._load_profile(ctx)
        self._refresh(ctx)
        return None

    @rx.event
    def add_skill(self, form: dict):
        ctx = self._authorize("teams", "set_agent_skill")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        try:
            set_agent_skill(ctx, self.edit_id, str(form.get("skill", "")), int(form.get("level") or 1))
        except SkillError as error:
            self.errors = {"skill": str(error)}
            return None
        self.errors = {}
        self._load_profile(ctx)
        self._refresh(ctx)
        return rx.set_value("skill-name", "")

    @rx.event
    def remove_skill(self, skill: str):
        ctx = self._authorize("teams", "set_agent_skill")
        if ctx is None:
            return rx.toast.error("Action non autorisée.")
        set_agent_skill(ctx, self.edit_id, skill, 0)
        self._load_profile(ctx)
        self._refresh(ctx)
        return None
