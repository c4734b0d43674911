"""The conversation console (SMS and WhatsApp) and the agent panel's unread badge.

Every event re-reads the caller's context and goes through services/conversations, which
checks role, tenant and visibility on the server: a forged conversation id is refused
(« Conversation introuvable. ») and logged like any refused action. Live events ("conversation")
carry only ids; the tab reloads what it shows through the same checks.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.agent_call import PopHistory
from bgotocall.state.session import FORBIDDEN_PAGE, LOGIN_PAGE, SessionState
from services.conversations import (
    ConsoleError, ReplyError, assign, close_conversation, estimate, list_conversations,
    reply, thread, unread_count,
)
from services.conversations.console import (
    CHANNEL_LABELS, assignable_agents, routing_team, set_routing_team,
)
from services.conversations.routing import console_actor, is_supervising
from bgotocall.api_conversation_media import media_url
from services.conversations.media import MAX_BYTES, attach
from services.conversations.replies import approved_templates, reply_template, tenant_prices
from services.identity.access import AccessDenied
from services.identity.audit import record_refusal
from services.teams import list_teams
from services.tenant_settings import operating_settings

CAMPAIGN_AGENTS = "campagne"  # the routing select's value for "the campaign's agents"

AREA = "conversations"
NOT_FOUND = "Conversation introuvable."


@dataclasses.dataclass
class ConversationLine:
    id: int
    channel: str
    channel_label: str
    contact: str
    address: str
    campaign: str
    agent: str
    unread: int
    last_message: str
    when: str
    status: str


@dataclasses.dataclass
class MessageLine:
    id: int
    direction: str
    channel_label: str
    body: str
    when: str
    agent: str
    status: str
    scheduled: str
    note: str
    media_kind: str = ""  # "image" | "document" | "" (its first image or PDF)
    media_name: str = ""
    media_url: str = ""  # the checked route (bgotocall/api_conversation_media.py)


def _media(m) -> tuple[str, str, str]:
    files = [f for f in m.media if f.get("type") in ("image", "document")]
    if not files:
        return "", "", ""
    return files[0]["type"], files[0].get("name", ""), media_url(m.id)


def _console_context(state: SessionState):
    ctx = state._context()
    try:
        return console_actor(ctx)
    except AccessDenied:
        return None


class ConversationBadgeState(SessionState):
    """The agent panel's live count of unread customer messages."""
    unread: int = 0

    def _count(self) -> None:
        ctx = _console_context(self)
        self.unread = unread_count(ctx) if ctx is not None else 0

    @rx.event
    def load_badge(self):
        self._count()

    def _on_live(self, event) -> None:
        self._count()


receives("conversation")(ConversationBadgeState)


@receives("conversation")
class ConversationsState(SessionState):
    conversations: list[ConversationLine] = []
    selected_id: int = 0
    sel_channel: str = ""
    sel_channel_label: str = ""
    sel_contact: str = ""
    sel_address: str = ""
    sel_campaign: str = ""
    sel_agent: str = ""
    sel_status: str = ""
    messages: list[MessageLine] = []
    history: list[PopHistory] = []  # the contact's history, as the screen pop shows it
    draft: str = ""
    composer: str = ""  # "1 segment (GSM-7) — 25 XAF"
    free_text: bool = True
    locked_reason: str = ""
    window_end: str = ""  # WhatsApp: when the 24-hour window closes ("" none open / SMS)
    templates: list[list[str]] = []  # [id, label, body, count of {{n}}]: APPROVED ones
    template_id: str = ""
    template_fields: str = ""  # "Prenom, Nom": the contact's field for {{1}}, {{2}}...
    error: str = ""
    notice: str = ""
    supervising: bool = False
    agents: list[list[str]] = []  # [id, name]
    teams: list[list[str]] = []  # [id, name]
    routing: str = CAMPAIGN_AGENTS  # who receives new conversations: a team id or the campaign's
    show_closed: bool = False
    _zone: str = "Africa/Douala"
    _currency: str = ""
    _prices: dict[str, int] = {}

    # --- reading ------------------------------------------------------------------------------
    def _when(self, at: datetime | None) -> str:
        return f"{at.astimezone(ZoneInfo(self._zone)):%d/%m/%Y %H:%M}" if at else ""

    def _refused(self, ctx, action: str) -> None:
        record_refusal(ctx, AREA, action, self.router.session.client_ip)
        self.error = NOT_FOUND

    def _reload(self, ctx) -> None:
        self.conversations = [
            ConversationLine(r.id, r.channel, CHANNEL_LABELS.get(r.channel, r.channel),
                             r.contact, r.address, r.campaign, r.agent, r.unread,
                             r.last_message, self._when(r.last_at), r.status)
            for r in list_conversations(ctx, include_closed=self.show_closed)]

    def _show_thread(self, ctx, conversation_id: int) -> None:
        shown = thread(ctx, conversation_id)
        c = shown.conversation
        self.selected_id = c.id
        self.sel_channel, self.sel_channel_label = c.channel, CHANNEL_LABELS.get(c.channel, c.channel)
        self.sel_contact, self.sel_address, self.sel_campaign = c.contact, c.address, c.campaign
        self.sel_agent, self.sel_status = c.agent, c.status
        self.messages = [MessageLine(m.id, m.direction, CHANNEL_LABELS.get(m.channel, m.channel),
                                     m.body, self._when(m.at), m.agent, m.status,
                                     self._when(m.scheduled_for), m.note, *_media(m))
                         for m in shown.messages]
        self.free_text, self.locked_reason = shown.free_text, shown.locked_reason
        self.window_end = (self._when(shown.window_ends_at)
                           if shown.free_text and shown.window_ends_at else "")
        if c.channel == "whatsapp" and not self.templates:
            self.templates = [[str(t.id), t.label, t.body, str(t.variables)]
                              for t in approved_templates(ctx)]
        self.history = [PopHistory(**h) for h in shown.history]
        self._estimate()

    def _deselect(self) -> None:
        self.selected_id, self.messages, self.sel_channel, self.sel_status = 0, [], "", ""

    def _estimate(self) -> None:
        channel = self.sel_channel or "sms"
        self.composer = estimate(channel, self.draft, self._currency, self._prices).label

    @rx.event
    def enter_conversations(self):
        ctx = self._context()
        self._show(ctx)
        if ctx is None:
            return rx.redirect(LOGIN_PAGE)
        if _console_context(self) is None:
            record_refusal(ctx, AREA, "open page /conversations", self.router.session.client_ip)
            return rx.redirect(FORBIDDEN_PAGE)
        self._listen_live(ctx)
        self.supervising = is_supervising(ctx)
        self.agents = ([[str(i), n] for i, n in assignable_agents(ctx)]
                       if self.supervising else [])
        if self.supervising:
            self.teams = [[str(team.id), team.name] for team in list_teams(ctx)]
            chosen = routing_team(ctx)
            self.routing = str(chosen) if chosen else CAMPAIGN_AGENTS
        self._zone = operating_settings(ctx).timezone or "Africa/Douala"
        self._currency, self._prices = tenant_prices(ctx.tenant_id)
        self.error = self.notice = ""
        self._reload(ctx)
        if self.selected_id:
            try:
                self._show_thread(ctx, self.selected_id)
            except AccessDenied:
                self._deselect()
        return None

    def _on_live(self, event) -> None:
        ctx = _console_context(self)
        if ctx is None:
            return
        self._reload(ctx)
        if self.selected_id and event.data.get("conversation_id") == self.selected_id:
            try:
                self._show_thread(ctx, self.selected_id)
            except AccessDenied:  # moved to another agent: it leaves this console
                self._deselect()
                self.notice = "Cette conversation a été confiée à un autre agent."

    # --- actions ------------------------------------------------------------------------------
    @rx.event
    def open_conversation(self, conversation_id: int):
        ctx = _console_context(self)
        self.error = self.notice = ""
        try:
            self._show_thread(ctx, int(conversation_id))
        except (AccessDenied, ValueError, TypeError):
            self._refused(self._context(), "open_conversation")
            return
        self.draft = ""
        self._estimate()
        self._reload(ctx)

    @rx.event
    def set_draft(self, text: str):
        self.draft = str(text)[:2000]
        self._estimate()

    def _answer(self, action: str, send) -> None:
        """One path for every kind of answer: `send(ctx)` returns the service's Sent."""
        ctx = _console_context(self)
        self.error = self.notice = ""
        try:
            sent = send(ctx)
        except AccessDenied:
            self._refused(self._context(), action)
            return
        except ReplyError as exc:
            self.error = str(exc)
            return
        self.draft = ""
        if sent.scheduled_for is not None:
            self.notice = (f"Hors des heures d'envoi du pays : la réponse partira le "
                           f"{self._when(sent.scheduled_for)}.")
        elif sent.outcome not in ("sent", ""):
            self.notice = "La réponse n'est pas partie : voir son statut ci-dessous."
        else:
            self.notice = "Réponse envoyée."
        self._show_thread(ctx, self.selected_id)
        self._reload(ctx)

    @rx.event
    def send_reply(self):
        self._answer("send_reply", lambda ctx: reply(ctx, int(self.selected_id), self.draft))

    @rx.event
    def pick_template(self, template_id: str):
        self.template_id = str(template_id)
        count = next((int(t[3]) for t in self.templates if t[0] == self.template_id), 0)
        self.template_fields = ", ".join(["Nom"] * count)

    @rx.event
    def set_template_fields(self, value: str):
        self.template_fields = str(value)[:200]

    @rx.event
    def send_template(self):
        fields = [f.strip() for f in self.template_fields.split(",") if f.strip()]
        self._answer("send_template", lambda ctx: reply_template(
            ctx, int(self.selected_id), int(self.template_id or 0),
            {str(n): f for n, f in enumerate(fields, start=1)}))

    @rx.event
    async def attach_file(self, files: list[rx.UploadFile]):
        """An image or a PDF (read up to one byte past the limit: the service refuses it)."""
        if not files:
            return
        name, content = files[0].name or files[0].filename or "", await files[0].read(MAX_BYTES + 1)
        self._answer("attach_file", lambda ctx: attach(ctx, int(self.selected_id), name,
                                                       content, self.draft))

    @rx.event
    def assign_selected(self, agent_id: str):
        ctx = _console_context(self)
        self.error = self.notice = ""
        try:
            assign(ctx, int(self.selected_id),
                   None if agent_id == CAMPAIGN_AGENTS else int(agent_id))
        except (AccessDenied, ValueError):
            self._refused(self._context(), "assign_conversation")
            return
        except ConsoleError as exc:
            self.error = str(exc)
            return
        self.notice = "Conversation réaffectée."
        self._show_thread(ctx, self.selected_id)
        self._reload(ctx)

    @rx.event
    def set_routing(self, value: str):
        ctx = _console_context(self)
        self.error = self.notice = ""
        try:
            set_routing_team(ctx, None if value == CAMPAIGN_AGENTS else int(value))
        except (AccessDenied, ValueError):
            self._refused(self._context(), "set_routing_team")
            return
        except ConsoleError as exc:
            self.error = str(exc)
            return
        self.routing = value
        self.notice = "Routage des nouvelles conversations enregistré."

    @rx.event
    def close_selected(self):
        ctx = _console_context(self)
        self.error = self.notice = ""
        try:
            close_conversation(ctx, int(self.selected_id))
        except AccessDenied:
            self._refused(self._context(), "close_conversation")
            return
        self.notice = "Conversation close."
        self._show_thread(ctx, self.selected_id)
        self._reload(ctx)

    @rx.event
    def toggle_closed(self, value: bool):
        self.show_closed = bool(value)
        ctx = _console_context(self)
        if ctx is not None:
            self._reload(ctx)
