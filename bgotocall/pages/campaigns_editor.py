"""The campaign wizard (/campagnes/nouvelle) and the editor of an existing campaign
(/campagnes/edition?id=N): stepper A-D, "Propager l'OS" with its pre-flight, "Appliquer les
modifications" on a LIVE campaign, the version history with its rollback; the launch and the
rollback each say what they will do and wait for a confirmation."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import role_shell
from bgotocall.i18n import t
from bgotocall.pages.campaigns import status_badge
from bgotocall.pages.campaigns_steps import step_a, step_b, step_c, step_d
from bgotocall.state.campaigns_editor import CampaignEditorState as S

STEPS = ("A", "B", "C", "D")


def _stepper() -> rx.Component:
    def item(step: str, index: int) -> rx.Component:
        active = S.step == step
        return rx.button(
            rx.box(str(index + 1), width="22px", height="22px", border_radius="50%",
                   display="flex", align_items="center", justify_content="center",
                   background=rx.cond(active, "white", rx.color("gray", 4)),
                   color=rx.cond(active, rx.color("indigo", 11), rx.color("gray", 11))),
            t(f"campaigns.step.{step}"), on_click=S.set_step(step),
            variant=rx.cond(active, "solid", "soft"), color_scheme="indigo",
            data_testid=f"step-{step}")
    return rx.hstack(*[item(s, i) for i, s in enumerate(STEPS)], spacing="2", wrap="wrap")


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(rx.heading(rx.cond(S.is_new, t("campaigns.new"), S.name), size="6",
                                 data_testid="page-title"),
                      rx.cond(S.is_new, rx.fragment(), status_badge(S.status)),
                      rx.cond(S.is_new, rx.fragment(), rx.badge(
                          t("campaigns.version"), " ", S.version, variant="outline",
                          data_testid="campaign-version")),
                      align="center", spacing="3"),
            rx.text(rx.cond(S.is_new, t("campaigns.new.context"), rx.match(
                S.status, *[(status, t(f"campaigns.edit.context.{status}"))
                            for status in ("BROUILLON", "EN_PAUSE", "ARCHIVEE")],
                t("campaigns.edit.context"))),
                    size="2", color=rx.color("gray", 11), data_testid="campaign-context"),
            rx.cond(S.launched != "", rx.text(t("campaigns.launched"), " ", S.launched, size="1",
                                              color=rx.color("gray", 10),
                                              data_testid="campaign-launched")),
            spacing="1"),
        rx.spacer(),
        rx.button(rx.icon("save", size=16),
                  rx.cond(S.status == "BROUILLON", t("campaigns.save.draft"),
                          t("campaigns.apply")),
                  on_click=S.save(False), disabled=S.status == "ARCHIVEE",
                  data_testid="save-campaign"),
        rx.cond(~S.is_new & (S.status == "BROUILLON"), rx.button(
            rx.icon("rocket", size=16), t("campaigns.launch"), color_scheme="green",
            on_click=S.ask_launch, data_testid="launch-campaign")),
        width="100%", align="end", spacing="3")


def _preflight() -> rx.Component:
    return rx.cond(S.preflight_done, rx.cond(
        S.preflight.length() > 0,
        rx.callout.root(rx.callout.icon(rx.icon("triangle-alert")), rx.vstack(
            rx.text(t("campaigns.preflight"), weight="bold"),
            rx.unordered_list(rx.foreach(S.preflight, lambda r: rx.list_item(r))),
            spacing="1"), color_scheme="red", width="100%", data_testid="preflight"),
        rx.callout(t("campaigns.preflight.ok"), icon="circle-check", color_scheme="green",
                   width="100%", data_testid="preflight")))


def _error() -> rx.Component:
    return rx.cond(S.error != "", rx.callout(S.error, icon="circle-alert", color_scheme="red",
                                             width="100%", data_testid="form-error"))


def _nav() -> rx.Component:
    return rx.hstack(
        rx.button(rx.icon("arrow-left", size=14), t("campaigns.previous"), variant="soft",
                  disabled=S.step == "A",
                  on_click=S.set_step(rx.match(S.step, ("B", "A"), ("C", "B"), ("D", "C"),
                                               "A"))),
        rx.spacer(),
        rx.cond(S.step != "D", rx.button(t("campaigns.next"), rx.icon("arrow-right", size=14),
                                     on_click=S.set_step(rx.match(
                                         S.step, ("A", "B"), ("B", "C"), ("C", "D"), "D")),
                                     data_testid="next-step")),
        width="100%")


def _history() -> rx.Component:
    def version(v) -> rx.Component:
        return rx.box(rx.vstack(
            rx.hstack(rx.badge(t("campaigns.version"), " ", v.number),
                      rx.spacer(),
                      rx.cond(v.number == S.version,
                              rx.badge(t("campaigns.history.current"), color_scheme="green"),
                              rx.button(rx.icon("undo-2", size=12),
                                        t("campaigns.history.rollback"), size="1",
                                        variant="soft", on_click=S.ask_rollback(v.number),
                                        data_testid=f"rollback-{v.number}")),
                      width="100%", align="center"),
            rx.text(v.author, " · ", v.when, size="1", color=rx.color("gray", 10)),
            rx.cond(v.note != "", rx.text(v.note, size="1", weight="medium")),
            rx.unordered_list(rx.foreach(v.changes, lambda line: rx.list_item(
                rx.text(line, size="1")))),
            spacing="1", width="100%"), padding="0.5rem 0",
            border_bottom=f"1px solid {rx.color('gray', 4)}", width="100%",
            data_testid="history-version")
    return rx.cond(S.is_new, rx.fragment(), rx.card(rx.vstack(
        rx.heading(t("campaigns.history"), size="3"),
        rx.scroll_area(rx.vstack(rx.foreach(S.history, version), width="100%"),
                       max_height="520px"),
        width="100%"), width="100%", data_testid="history"))


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("campaigns.confirm.title")),
        rx.vstack(rx.foreach(S.confirm_sentences, lambda s: rx.text(s, size="2")), spacing="2"),
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(t("campaigns.cancel"), variant="soft",
                                             color_scheme="gray", on_click=S.cancel_confirm)),
            rx.alert_dialog.action(rx.button(t("campaigns.confirm.ok"), color_scheme="orange",
                                             on_click=S.save(True),
                                             data_testid="confirm-breaking")),
            spacing="3", justify="end", margin_top="1rem")),
        open=S.confirm_sentences.length() > 0)


def _confirm(title, body: rx.Component, ok_key: str, on_ok, open_, test_id: str) -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(title),
        body,
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(t("campaigns.cancel"), variant="soft",
                                             color_scheme="gray", on_click=S.cancel_confirm)),
            rx.alert_dialog.action(rx.button(t(ok_key), color_scheme="green", on_click=on_ok,
                                             data_testid=f"confirm-{test_id}")),
            spacing="3", justify="end", margin_top="1rem"),
        data_testid=f"{test_id}-dialog"), open=open_)


def _channel_name(channel) -> rx.Component:
    return rx.badge(rx.match(channel, *[(c, t(f"campaigns.channel.{c}"))
                                        for c in ("voice", "sms", "email", "whatsapp")], channel))


def _count(number, key: str) -> rx.Component:
    return rx.list_item(rx.text(rx.text(number, as_="span", weight="bold"), " ",
                                rx.cond(number == 1, t(key), t(key + "s")), size="2"))


def _launch_dialog() -> rx.Component:
    body = rx.vstack(
        rx.text(t("campaigns.launch.confirm.text"), size="2"),
        rx.unordered_list(
            _count(S.launch_contacts, "campaigns.launch.confirm.contact"),
            _count(S.launch_agents, "campaigns.launch.confirm.agent"),
            rx.list_item(rx.hstack(rx.text(t("campaigns.launch.confirm.channels"), size="2"),
                                   rx.foreach(S.launch_channels, _channel_name), spacing="1",
                                   align="center"))),
        spacing="2")
    return _confirm(t("campaigns.launch.confirm.title"), body, "campaigns.launch", S.launch,
                    S.confirm_launch, "launch")


def _rollback_dialog() -> rx.Component:
    body = rx.vstack(
        rx.text(rx.cond(S.status == "LIVE", t("campaigns.rollback.confirm.live"),
                        t("campaigns.rollback.confirm.text")), size="2"),
        rx.unordered_list(rx.foreach(S.rollback_changes, lambda line: rx.list_item(
            rx.text(line, size="2")))),
        spacing="2")
    return _confirm(rx.fragment(t("campaigns.rollback.confirm.title"), " ", S.rollback_to, " ?"),
                    body, "campaigns.history.rollback", S.rollback, S.rollback_to != 0, "rollback")


def campaign_editor_page() -> rx.Component:
    body = rx.vstack(
        _stepper(),
        rx.match(S.step, ("A", step_a()), ("B", step_b()), ("C", step_c()), step_d()),
        _nav(), width="100%", spacing="4")
    return role_shell(
        _header(), _error(), _preflight(),
        rx.cond(S.is_new, body, rx.grid(body, _history(), columns="minmax(0, 1fr) 300px", spacing="4",
                                        width="100%")),
        _confirm_dialog(), _launch_dialog(), _rollback_dialog(),
    )
