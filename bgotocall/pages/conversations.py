"""Conversations: the console where agents and supervisors answer SMS and WhatsApp replies.

Left, the conversations by last message with their channel and unread count; right, the
selected thread (channel on each message, an answer's status or the time it will leave) and the
composer, which counts segments (GSM-7 / UCS-2) and cost as the agent types. Supervisors also
reassign and close. Everything moves live (ConversationsState._on_live)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell, top_bar
from bgotocall.i18n import t
from bgotocall.state.conversations import ConversationBadgeState, ConversationsState as S
from bgotocall.state.session import SessionState


def _channel_badge(label) -> rx.Component:
    return rx.badge(label, color_scheme=rx.cond(label == "WhatsApp", "green", "blue"),
                    variant="soft", data_testid="channel")


def _line(c) -> rx.Component:
    selected = S.selected_id == c.id
    return rx.box(
        rx.hstack(
            rx.text(c.contact, weight="bold", size="2", data_testid="conversation-contact"),
            _channel_badge(c.channel_label),
            rx.spacer(),
            rx.cond(c.unread > 0, rx.badge(c.unread, color_scheme="red", variant="solid",
                                           data_testid="conversation-unread")),
            width="100%", align="center"),
        rx.text(c.last_message, size="1", color=rx.color("gray", 11), trim="end",
                data_testid="conversation-last"),
        rx.hstack(rx.text(c.campaign, size="1", color=rx.color("gray", 10)), rx.spacer(),
                  rx.text(c.when, size="1", color=rx.color("gray", 10)), width="100%"),
        on_click=S.open_conversation(c.id), cursor="pointer", padding="0.6rem 0.75rem",
        border_radius="8px", width="100%",
        background=rx.cond(selected, rx.color("indigo", 3), "white"),
        border=f"1px solid {rx.color('gray', 5)}", data_testid="conversation",
    )


def _routing() -> rx.Component:
    """Supervisors: who receives new conversations (the campaign's agents or one team)."""
    return rx.cond(S.supervising, rx.vstack(
        rx.text(t("conv.routing"), size="1", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid="routing"),
            rx.select.content(
                rx.select.item(t("conv.assign_pool"), value="campagne"),
                rx.foreach(S.teams, lambda team: rx.select.item(team[1], value=team[0]))),
            value=S.routing, on_change=S.set_routing, size="1"),
        spacing="1", width="100%"))


def _list() -> rx.Component:
    return rx.vstack(
        _routing(),
        rx.hstack(rx.switch(checked=S.show_closed, on_change=S.toggle_closed, size="1",
                            data_testid="show-closed"),
                  rx.text(t("conv.show_closed"), size="1"), align="center"),
        rx.cond(S.conversations.length() == 0, empty_state("messages-square", "conv.empty"),
                rx.vstack(rx.foreach(S.conversations, _line), width="100%", spacing="2")),
        width="340px", min_width="300px", spacing="3", data_testid="conversation-list",
    )


def _message(m) -> rx.Component:
    mine = m.direction == "OUT"
    return rx.box(
        rx.vstack(
            rx.hstack(rx.text(rx.cond(mine, m.agent, t("conv.you")), size="1", weight="bold"),
                      _channel_badge(m.channel_label),
                      rx.text(m.when, size="1", color=rx.color("gray", 10)), spacing="2",
                      align="center"),
            rx.text(m.body, size="2", white_space="pre-wrap", data_testid="message-body"),
            rx.cond(mine, rx.hstack(
                rx.text(m.status, size="1", color=rx.color("gray", 10),
                        data_testid="message-status"),
                rx.cond(m.scheduled != "", rx.text(t("conv.scheduled"), " ", m.scheduled,
                                                   size="1", color=rx.color("orange", 11),
                                                   data_testid="message-scheduled")),
                spacing="2")),
            _attachment(m),
            rx.cond(m.note != "", rx.text(m.note, size="1", color=rx.color("orange", 11))),
            spacing="1"),
        align_self=rx.cond(mine, "flex-end", "flex-start"), max_width="75%",
        background=rx.cond(mine, rx.color("indigo", 3), "white"), padding="0.5rem 0.75rem",
        border_radius="10px", border=f"1px solid {rx.color('gray', 5)}",
        data_testid=rx.cond(mine, "message-out", "message-in"),
    )


def _attachment(m) -> rx.Component:
    """An image shown (and opened full size), a PDF as a download link: both through the route
    that checks the caller on every request."""
    return rx.match(
        m.media_kind,
        ("image", rx.link(rx.image(src=m.media_url, alt=m.media_name, max_width="240px",
                                   border_radius="6px", data_testid="message-image"),
                          href=m.media_url, is_external=True)),
        ("document", rx.link(rx.icon("file-text", size=14), " ", m.media_name,
                             href=m.media_url, is_external=True, size="2",
                             data_testid="message-document")),
        rx.fragment())


def _window() -> rx.Component:
    """WhatsApp: until when free text goes; outside the window, the approved templates."""
    return rx.cond(S.sel_channel == "whatsapp", rx.vstack(
        rx.cond(S.window_end != "",
                rx.text(t("conv.window_open"), " ", S.window_end, size="1",
                        color=rx.color("green", 11), data_testid="window-end")),
        rx.cond(~S.free_text, rx.vstack(
            rx.cond(S.templates.length() == 0,
                    rx.text(t("conv.no_template"), size="1", data_testid="no-template"),
                    rx.hstack(
                        rx.select.root(
                            rx.select.trigger(placeholder=t("conv.template"),
                                              data_testid="template"),
                            rx.select.content(rx.foreach(
                                S.templates, lambda tp: rx.select.item(tp[1], value=tp[0]))),
                            value=S.template_id, on_change=S.pick_template, size="1"),
                        rx.input(value=S.template_fields, on_change=S.set_template_fields,
                                 placeholder=t("conv.template_fields"), size="1",
                                 width="16rem", data_testid="template-fields"),
                        rx.button(rx.icon("send", size=14), t("conv.send_template"),
                                  on_click=S.send_template, disabled=S.template_id == "",
                                  size="1", data_testid="send-template"),
                        align="center", spacing="2", wrap="wrap")),
            spacing="1", width="100%")),
        spacing="1", width="100%"))


ATTACHMENT_ID = "conversation-attachment"
ATTACHMENT_TYPES = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"],
                    "image/webp": [".webp"], "application/pdf": [".pdf"]}


def _attach_button() -> rx.Component:
    """WhatsApp, inside the window: one image or PDF (5 Mo at most, checked again on the
    server by its content); the draft, if any, goes as its caption."""
    return rx.cond((S.sel_channel == "whatsapp") & S.free_text, rx.upload(
        rx.button(rx.icon("paperclip", size=14), t("conv.attach"), variant="soft", size="2",
                  type="button"),
        id=ATTACHMENT_ID, multiple=False, max_files=1, max_size=5 * 1024 * 1024,
        accept=ATTACHMENT_TYPES, no_drag=True, border="none", padding="0",
        on_drop=S.attach_file(rx.upload_files(upload_id=ATTACHMENT_ID)),
        on_drop_rejected=rx.toast.error(t("conv.attach_refused")),
        data_testid="attach"))


def _supervisor_tools() -> rx.Component:
    return rx.cond(S.supervising, rx.hstack(
        rx.select.root(
            rx.select.trigger(placeholder=t("conv.assign"), data_testid="assign"),
            rx.select.content(
                rx.select.item(t("conv.assign_pool"), value="campagne"),
                rx.foreach(S.agents, lambda a: rx.select.item(a[1], value=a[0]))),
            on_change=S.assign_selected, size="1"),
        spacing="2"))


def _composer() -> rx.Component:
    return rx.cond(S.sel_status == "OPEN", rx.vstack(
        rx.cond(~S.free_text, rx.callout(S.locked_reason, icon="lock", color_scheme="orange",
                                         size="1", data_testid="window-closed")),
        _window(),
        rx.text_area(value=S.draft, on_change=S.set_draft, placeholder=t("conv.composer"),
                     width="100%", rows="3", disabled=~S.free_text, data_testid="composer"),
        rx.hstack(rx.text(S.composer, size="1", color=rx.color("gray", 11),
                          data_testid="composer-estimate"),
                  rx.spacer(),
                  _attach_button(),
                  rx.button(t("conv.close"), variant="soft", color_scheme="gray",
                            on_click=S.close_selected, data_testid="close-conversation"),
                  rx.button(rx.icon("send", size=14), t("conv.send"), on_click=S.send_reply,
                            disabled=(S.draft == "") | ~S.free_text, data_testid="send-reply"),
                  width="100%", align="center"),
        width="100%", spacing="2"),
        rx.badge(t("conv.closed"), color_scheme="gray", data_testid="conversation-closed"))


def _history() -> rx.Component:
    """The contact's history on every channel, as the agent panel's screen pop shows it."""
    return rx.cond(S.history.length() > 0, rx.vstack(
        rx.text(t("call.history"), weight="medium", size="2"),
        rx.foreach(S.history, lambda h: rx.text(
            h.when, " · ", h.channel, " · ", rx.cond(h.direction == "IN", "↙ ", "↗ "), h.status,
            rx.cond(h.text != "", rx.text.span(" · « ", h.text, " »")),
            size="1", color=rx.color("gray", 11), data_testid="contact-history")),
        spacing="1", width="100%", data_testid="contact-history-list"))


def _thread() -> rx.Component:
    return rx.cond(S.selected_id == 0, empty_state("message-circle", "conv.pick"), rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(rx.hstack(rx.heading(S.sel_contact, size="4"),
                                    _channel_badge(S.sel_channel_label), align="center"),
                          rx.text(S.sel_address, " · ", t("conv.campaign"), " : ", S.sel_campaign,
                                  " · ", t("conv.agent"), " : ",
                                  rx.cond(S.sel_agent != "", S.sel_agent, t("conv.unassigned")),
                                  size="1", color=rx.color("gray", 11),
                                  data_testid="thread-meta"),
                          spacing="1"),
                rx.spacer(), _supervisor_tools(), width="100%", align="start"),
            rx.vstack(rx.foreach(S.messages, _message), width="100%", spacing="2",
                      max_height="55vh", overflow_y="auto", padding="0.5rem",
                      background=rx.color("gray", 2), border_radius="8px",
                      data_testid="thread"),
            _composer(),
            _history(),
            width="100%", spacing="3"),
        width="100%", data_testid="conversation-thread"))


def _feedback() -> rx.Component:
    return rx.fragment(
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red",
                                          role="alert", data_testid="conv-error")),
        rx.cond(S.notice != "", rx.callout(S.notice, icon="info", color_scheme="indigo",
                                           role="status", data_testid="conv-notice")))


def _console() -> rx.Component:
    return rx.vstack(
        page_header("conv.title", "conv.context"),
        _feedback(),
        rx.hstack(_list(), _thread(), width="100%", align="start", spacing="4"),
        width="100%", spacing="4")


def conversations_page() -> rx.Component:
    return rx.cond(
        SessionState.role == "AGENT",
        rx.vstack(top_bar(),
                  rx.vstack(rx.link(t("conv.back"), href="/bandeau", size="2"), _console(),
                            padding="1.5rem 2rem", width="100%", spacing="3"),
                  spacing="0", width="100%", min_height="100vh",
                  background=rx.color("gray", 2)),
        role_shell(_console()))


def unread_badge() -> rx.Component:
    """On the agent panel: the live count of unread customer messages, a link to the console."""
    return rx.link(rx.button(
        rx.icon("messages-square", size=16), t("nav.conversations"),
        rx.badge(ConversationBadgeState.unread, color_scheme=rx.cond(
            ConversationBadgeState.unread > 0, "red", "gray"), variant="solid",
            data_testid="unread-badge"),
        variant="soft"),
        href="/conversations", data_testid="open-conversations")
