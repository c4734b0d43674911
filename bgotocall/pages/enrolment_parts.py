"""The enrol and remove dialogs shared by the agents page and the supervisors of the settings page.

`state` is a page state with EnrolmentMixin; `texts` the i18n prefix of what differs ("voice" for
agents: voice.new, voice.form.submit, voice.delete.*); `who` names the form's ids ("agent" → #agent-email).
"""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import submit_button
from bgotocall.i18n import t


def _field(state, who: str, name: str, label: str, help_key: str = "", **props) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), " *", as_="label", html_for=f"{who}-{name}", size="2", weight="medium"),
        rx.input(id=f"{who}-{name}", name=name, required=True, width="100%", **props),
        rx.cond(state.errors.contains(name),
                rx.text(state.errors[name], color=rx.color("red", 11), size="2", data_testid=f"error-{name}"),
                rx.text(t(help_key), color=rx.color("gray", 10), size="1") if help_key else rx.fragment()),
        spacing="1", width="100%")


def enroll_dialog(state, texts: str, who: str, header: rx.Component | None = None) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), t(f"{texts}.new"), data_testid=f"new-{who}")),
        rx.dialog.content(
            rx.dialog.title(t(f"{texts}.new")),
            rx.hstack(header, margin_bottom="0.75rem") if header is not None else rx.fragment(),
            rx.form(rx.vstack(
                rx.hstack(_field(state, who, "last_name", "voice.form.last_name", max_length=100),
                          _field(state, who, "first_name", "voice.form.first_name", max_length=100), width="100%"),
                _field(state, who, "login", "voice.form.login", "voice.form.login.help", max_length=40),
                _field(state, who, "email", "voice.form.email", "voice.form.email.help", type="email",
                       max_length=254),
                rx.cond(state.errors.contains("form"),
                        rx.callout(state.errors["form"], icon="triangle-alert", color_scheme="red",
                                   width="100%", data_testid="enroll-error")),
                # the licence refusal sends the admin where more licences are bought
                rx.cond(state.errors.contains("form") & state.errors["form"].to(str).contains("Facturation"),
                        rx.link(rx.icon("shopping-cart", size=14), t("plan.buy"), href="/facturation#abonnement",
                                on_click=state.set_enroll_open(False), data_testid="buy-licences")),
                rx.hstack(rx.dialog.close(rx.button(t("voice.cancel"), variant="soft", color_scheme="gray",
                                                    type="button")),
                          submit_button(t(f"{texts}.form.submit"), data_testid="enroll-submit"),
                          justify="end", width="100%"),
                spacing="3", width="100%"), on_submit=state.enroll, reset_on_submit=False),
            max_width="560px"),
        open=state.enroll_open, on_open_change=state.set_enroll_open)


def remove_dialog(state, texts: str) -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t(f"{texts}.delete.title"), " ", state.remove_name),
        rx.alert_dialog.description(t(f"{texts}.delete.text")),
        rx.hstack(rx.alert_dialog.cancel(rx.button(t("voice.cancel"), variant="soft", color_scheme="gray")),
                  rx.alert_dialog.action(rx.button(t(f"{texts}.delete.confirm"), color_scheme="red",
                                                   on_click=state.confirm_remove, data_testid="confirm-delete")),
                  justify="end", spacing="3", margin_top="1rem")),
        open=state.remove_open, on_open_change=state.set_remove_open)
