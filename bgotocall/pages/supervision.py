"""The supervisor's home: the team by state and the live campaigns, live."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.campaigns import channel_icons
from bgotocall.pages.voice_parts import live_badge, state_colour, state_label
from bgotocall.state.campaigns_editor import EDIT_PAGE
from bgotocall.state.supervision import SupervisionState as S
from bgotocall.state.supervision import WaitingCallsState as W
from bgotocall.state.voicemails import VoicemailsState as V


def _kpi(share) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.box(width="10px", height="10px", border_radius="50%", background=state_colour(share.state)),
                  rx.text(state_label(share.state), size="2", color=rx.color("gray", 11)), align="center"),
        rx.text(share.agents, size="7", weight="bold", data_testid=rx.Var.create("kpi-") + share.state),
        spacing="1"), width="100%")


def _distribution() -> rx.Component:
    """One bar, a segment per state: how the team spends the moment."""
    return rx.card(rx.vstack(
        rx.hstack(rx.text(t("sup.distribution"), weight="bold", size="2"), rx.spacer(),
                  rx.text(S.agents_total, " ", t("sup.agents"), size="2", color=rx.color("gray", 11)),
                  width="100%"),
        rx.hstack(rx.foreach(S.shares, lambda s: rx.cond(s.agents > 0, rx.tooltip(
            rx.box(height="14px", width=s.percent.to_string() + "%", background=state_colour(s.state)),
            content=state_label(s.state)))),
            spacing="0", width="100%", border_radius="7px", overflow="hidden",
            background=rx.color("gray", 4), data_testid="team-distribution"),
        spacing="3", width="100%"), width="100%")


def _campaign_row(c) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(c.name, href=f"{EDIT_PAGE}?id=" + c.id.to_string(), weight="medium")),
        rx.table.cell(channel_icons(c.channels)),
        rx.table.cell(rx.hstack(rx.progress(value=c.progress, max=100, width="120px"),
                                rx.text(c.progress, " %", size="1"), align="center")),
        rx.table.cell(c.agents),
        rx.table.cell(rx.badge(c.ready, color_scheme="green", variant="soft")),
        rx.table.cell(rx.badge(c.busy, color_scheme="red", variant="soft")),
        data_testid="live-campaign")


def _campaigns() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "sup.col.campaign", "sup.col.channels", "sup.col.progress", "sup.col.agents",
            "sup.col.ready", "sup.col.busy")])),
        rx.table.body(rx.foreach(S.campaigns, _campaign_row)), width="100%", variant="ghost")
    return rx.card(rx.vstack(
        rx.text(t("sup.live_campaigns"), weight="bold", size="2"),
        rx.cond(S.campaigns.length() > 0, table, rx.hstack(
            rx.text(t("sup.no_campaign"), color=rx.color("gray", 11), size="2"), rx.spacer(),
            rx.link(rx.button(t("sup.to_campaigns"), variant="soft", size="1"), href="/campagnes"),
            width="100%", align="center", data_testid="no-live-campaign")),
        spacing="3", width="100%"), width="100%")


def _waiting() -> rx.Component:
    phone = lambda c: rx.hstack(rx.code(c.phone), rx.cond(c.vip, rx.badge(
        rx.icon("star", size=12), "VIP", color_scheme="amber", variant="soft",
        data_testid="waiting-vip")), align="center", spacing="2")
    row = lambda c: rx.table.row(rx.table.cell(phone(c)), rx.table.cell(c.queue), rx.table.cell(c.campaign),
                                 rx.table.cell(c.since), data_testid="waiting-call")
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("phone-incoming", size=16), rx.heading(t("supervision.waiting"), size="3"),
                  rx.badge(W.waiting.length(), data_testid="waiting-count"), align="center", spacing="2"),
        rx.cond(W.waiting.length() > 0,
                rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"supervision.waiting.{c}"))
                                                             for c in ("phone", "queue", "campaign", "since")])),
                              rx.table.body(rx.foreach(W.waiting, row)), width="100%", size="1"),
                rx.text(t("supervision.waiting.none"), size="2", color=rx.color("gray", 11))),
        spacing="2", width="100%"), width="100%", data_testid="waiting-calls")


def _caller_task(task) -> rx.Component:
    voicemail = task.kind == "voicemail"
    player = rx.el.audio(src="/api/enregistrements/" + task.id.to_string(), controls=True, preload="none",
                         custom_attrs={"data-testid": "voicemail-audio"}, style={"height": "2rem", "max_width": "16rem"})
    return rx.table.row(
        rx.table.cell(rx.cond(voicemail, rx.badge(rx.icon("voicemail", size=12), t("voicemail.kind.message"),
                                                  color_scheme="indigo", variant="soft"),
                              rx.badge(rx.icon("phone-outgoing", size=12), t("voicemail.kind.callback"),
                                       color_scheme="gray", variant="soft"))),
        rx.table.cell(rx.vstack(rx.code(task.phone), rx.cond(task.name != "", rx.text(task.name, size="1")),
                                spacing="1")),
        rx.table.cell(rx.cond(task.campaign != "", task.campaign, t("voicemail.general_queue"))),
        rx.table.cell(task.at),
        rx.table.cell(rx.cond(voicemail, task.duration, "—")),
        rx.table.cell(rx.cond(voicemail & task.recording, player,
                              rx.cond(voicemail, "—", rx.text(t("voicemail.callback.pending"), size="1",
                                                              color=rx.color("gray", 11))))),
        rx.table.cell(rx.cond(voicemail, rx.button(rx.icon("check", size=14), t("voicemail.handled"), size="1",
                                                   variant="soft", color_scheme="green",
                                                   on_click=V.handle(task.id), data_testid="voicemail-handled"))),
        data_testid=rx.cond(voicemail, "voicemail", "callback-asked"), align="center")


def _voicemails() -> rx.Component:
    """The messages callers left when the queue was saturated (tasks of the team) and the callbacks they
    asked for (read-only: the dialer calls them back)."""
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"voicemail.col.{c}")) for c in (
            "kind", "caller", "campaign", "at", "duration", "listen", "action")])),
        rx.table.body(rx.foreach(V.tasks, _caller_task)), width="100%", size="1")
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("voicemail", size=16), rx.heading(t("voicemail.title"), size="3"),
                  rx.badge(V.messages_count, data_testid="voicemail-count"), align="center", spacing="2"),
        rx.cond(V.tasks.length() > 0, table,
                rx.text(t("voicemail.none"), size="2", color=rx.color("gray", 11), data_testid="voicemail-none")),
        spacing="2", width="100%"), width="100%", data_testid="voicemails")


def supervision_page() -> rx.Component:
    links = rx.hstack(
        rx.link(rx.button(rx.icon("radio", size=14), t("voice.nav.live"), variant="soft"), href="/supervision/agents"),
        rx.link(rx.button(rx.icon("arrow-left-right", size=14), t("voice.nav.assign"), variant="soft"),
                href="/supervision/affectation"),
        spacing="2")
    return role_shell(
        page_header("nav.supervision", "supervision.context", rx.hstack(live_badge(), links, align="center",
                                                                         spacing="3")),
        rx.grid(rx.foreach(S.shares, _kpi), columns="6", spacing="3", width="100%"),
        _distribution(),
        _waiting(),
        _voicemails(),
        _campaigns())
